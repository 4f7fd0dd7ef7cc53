package dev.sluice.internal.rollout;

import dev.sluice.CallRejectedException;
import dev.sluice.Variant;
import dev.sluice.internal.FallbackStep;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallChain;
import dev.sluice.pipeline.CallContext;
import dev.sluice.pipeline.CallStep;
import dev.sluice.rollout.Assignment;
import dev.sluice.rollout.RolloutControl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks the call's variant from the route's toggles and rollout stage, once per call: retries
 * keep it. The stage goes into the audit event; {@code sluice.assignments} counts calls by
 * variant and stage.
 */
public final class AssignmentStep implements CallStep {

  /** The key under which the call's {@link Assignment} is kept on the context. */
  public static final Object ASSIGNMENT = new Object();

  private final RolloutControl control;
  private final MeterRegistry meters;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> counters = new ConcurrentHashMap<>();

  public AssignmentStep(RolloutControl control, MeterRegistry meters) {
    this.control = control;
    this.meters = meters;
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallContext call, CallChain next) {
    Assignment a;
    try {
      a = control.assign(call.subject());
    } catch (RolloutControl.KilledToFallback killed) {
      call.detail("kill_switch", "fallback");
      if (call.route().fallback().isEmpty()) {
        return CompletableFuture.failedFuture(new CallRejectedException("kill_switch", killed.getMessage()
            + ", and it has no fallback chain: calls are rejected until the kill switch is lifted (RolloutControl.unkill)"));
      }
      call.attribute(FallbackStep.KILLED_TO_FALLBACK, Boolean.TRUE);
      a = new Assignment(call.route().baseline(), false, "killed", control.stage() == null ? "none" : control.stage().name());
    }
    call.variant(a.variant());
    call.assignment(a.reason());
    call.attribute(ASSIGNMENT, a);
    call.detail("stage", a.stage());
    count(a.variant(), a.stage());
    return next.proceed(call);
  }

  private void count(Variant v, String stage) {
    ConcurrentHashMap<String, Counter> byVariant = counters.get(stage);
    Counter c = byVariant == null ? null : byVariant.get(v.id());
    if (c == null) {
      c = counters.computeIfAbsent(stage, s -> new ConcurrentHashMap<>())
          .computeIfAbsent(v.id(), id -> Counter.builder("sluice.assignments").description("Calls by assigned variant and stage")
              .tag("route", control.route()).tag("variant", id).tag("stage", stage).register(meters));
    }
    c.increment();
  }
}
