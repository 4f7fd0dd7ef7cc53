package dev.sluice.internal.rollout;

import dev.sluice.outcome.CallRejectedException;
import dev.sluice.release.Variant;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallKey;
import dev.sluice.internal.StateChain;
import dev.sluice.internal.CallState;
import dev.sluice.internal.StateStep;
import dev.sluice.rollout.Assignment;
import dev.sluice.RolloutControl;
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
public final class AssignmentStep implements StateStep {

  /** The call's {@link Assignment}, for the steps that depend on it (shadow, record, fallback). */
  public static final CallKey<Assignment> ASSIGNMENT = CallKey.of("assignment");

  private final RolloutControl control;
  private final MeterRegistry meters;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> counters = new ConcurrentHashMap<>();

  public AssignmentStep(RolloutControl control, MeterRegistry meters) {
    this.control = control;
    this.meters = meters;
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    Assignment a = control.assign(call.subject());
    switch (a.action()) {
      case REJECT -> {
        call.detail("kill_switch", "fallback");
        return CompletableFuture.failedFuture(new CallRejectedException("kill_switch", "route '" + call.route().name()
            + "' is killed to its fallback, and it has no fallback chain: calls are rejected until the kill switch is lifted"
            + " (RolloutControl.unkill)"));
      }
      case KILL_TO_FALLBACK -> call.detail("kill_switch", "fallback");
      case KILL_TO_BASELINE, SERVE -> { }
    }
    call.variant(a.variant());
    call.assignment(a.reason());
    call.put(ASSIGNMENT, a);
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
