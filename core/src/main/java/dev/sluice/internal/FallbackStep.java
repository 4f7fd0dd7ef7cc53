package dev.sluice.internal;

import dev.sluice.outcome.CallRejectedException;
import dev.sluice.FallbackLink;
import dev.sluice.FallbackRequest;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.outcome.FallbackUse;
import dev.sluice.Route;
import dev.sluice.outcome.SluiceException;
import dev.sluice.release.Variant;
import dev.sluice.internal.rollout.AssignmentStep;
import dev.sluice.model.ChatResponse;
import dev.sluice.rollout.Assignment;
import dev.sluice.time.TimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import dev.sluice.internal.guardrail.OutputGuardrailStep;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Around the attempt loop: when the primary fails in a way a link handles, runs the route's
 * fallback links in order within the call's remaining deadline. A link that calls a model is
 * skipped when too little time is left; the cheap links (cache, fixed answer, hand-off) still run.
 * The first link that answers wins and the call is labelled with its kind; when none answers, the
 * primary's exception is thrown with every link's failure attached as suppressed.
 */
public final class FallbackStep implements StateStep {

  private static final Logger log = LoggerFactory.getLogger(FallbackStep.class);

  private final Route route;
  private final List<FallbackLink> links;
  private final TimeSource time;
  /** The route's output guardrails, for answers a link replays from storage; null when it has none or no link replays. */
  private final @Nullable OutputGuardrailStep outputCheck;

  /** Per link, one counter per trigger it handles (by ordinal) for its answers, and one for its failures: made with the route. */
  private final Counter[][] answered;
  private final Counter[] failed;

  public FallbackStep(Route route, TimeSource time, MeterRegistry meters) {
    this.route = route;
    this.links = route.fallback();
    this.time = time;
    this.outputCheck = route.guardrails().output().isEmpty() || links.stream().noneMatch(FallbackLink::replaysModelOutput) ? null
        : new OutputGuardrailStep(route, meters);
    FallbackTrigger[] triggers = FallbackTrigger.values();
    this.answered = new Counter[links.size()][triggers.length];
    this.failed = new Counter[links.size()];
    for (int i = 0; i < links.size(); i++) {
      FallbackLink link = links.get(i);
      for (FallbackTrigger t : link.triggers()) {
        answered[i][t.ordinal()] = Counter.builder("sluice.fallbacks").description("Calls a fallback link answered")
            .tag("route", route.name()).tag("kind", link.kind()).tag("trigger", t.tag()).register(meters);
      }
      failed[i] = Counter.builder("sluice.fallback.failures").description("Fallback links that could not answer")
          .tag("route", route.name()).tag("kind", link.kind()).register(meters);
    }
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    Assignment assigned = call.get(AssignmentStep.ASSIGNMENT);
    if (assigned != null && assigned.action() == Assignment.Action.KILL_TO_FALLBACK) {
      CallRejectedException killed = new CallRejectedException("kill_switch", "route '" + route.name() + "' is killed to its fallback");
      CompletableFuture<ChatResponse> result = new CompletableFuture<>();
      runLinks(call, next, killed, FallbackTrigger.KILLED, 0, result);
      return result;
    }
    CompletionStage<ChatResponse> primary = next.proceed(call);
    ChatResponse answered = Stages.doneValue(primary);
    if (answered != null) {
      notePrimaryAnswer(call, answered);
      return primary;
    }
    CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    primary.whenComplete((response, failure) -> {
      if (failure == null) {
        notePrimaryAnswer(call, response);
        result.complete(response);
        return;
      }
      SluiceException error = Failures.fromStep(failure);
      FallbackTrigger trigger = FallbackTrigger.of(error);
      // Part of a streamed answer reached the caller: a fallback's answer cannot replace it.
      if (trigger == null || call.isCancelled() || call.streamCommitted()) {
        result.completeExceptionally(error);
        return;
      }
      runLinks(call, next, error, trigger, 0, result);
    });
    return result;
  }

  /** Lets each link see the primary's answer as the model wrote it (a cache link stores it). */
  private void notePrimaryAnswer(CallState call, ChatResponse served) {
    ChatResponse own = call.modelAnswer();
    ChatResponse response = own != null ? own : served;
    for (FallbackLink l : links) {
      try {
        l.onPrimaryAnswer(call, response);
      } catch (RuntimeException e) {
        log.warn("fallback link {} failed to note an answer", l.name(), e);
      }
    }
  }

  private void runLinks(CallState call, StateChain next, SluiceException primary, FallbackTrigger trigger, int from,
      CompletableFuture<ChatResponse> result) {
    for (int i = from; i < links.size(); i++) {
      FallbackLink link = links.get(i);
      if (!link.triggers().contains(trigger)) {
        continue;
      }
      if (link.callsModel() && !timeLeftForModel(call)) {
        primary.addSuppressed(new SluiceException("fallback link '" + link.name() + "' skipped: the deadline leaves no time for a model call"));
        continue;
      }
      CompletionStage<ChatResponse> answer;
      StreamOut stream = call.stream();
      if (stream != null) {
        stream.beginFallback();
      }
      try {
        answer = link.answer(new Request(call, next, primary, trigger));
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      int index = i;
      if (link.replaysModelOutput() && outputCheck != null) {
        OutputGuardrailStep check = outputCheck;
        answer = answer.thenApply(stored -> stored == null ? null : check.replay(call, stored));
      }
      answer.whenComplete((response, failure) -> {
        if (failure == null && response != null) {
          call.fallback(new FallbackUse(link.kind(), link.name(), primary.outcome(), String.valueOf(primary.getMessage())));
          answered[index][trigger.ordinal()].increment();
          result.complete(response);
          return;
        }
        failed[index].increment();
        Throwable cause = failure == null ? new SluiceException("fallback link '" + link.name() + "' gave no answer") : Failures.unwrap(failure);
        if (cause != primary) {
          primary.addSuppressed(cause);
        }
        // A link that streamed part of its answer before failing (a backup variant) ends the call there.
        if (cause == primary || call.streamCommitted()) {
          result.completeExceptionally(primary);
          return;
        }
        runLinks(call, next, primary, trigger, index + 1, result);
      });
      return;
    }
    result.completeExceptionally(primary);
  }

  private boolean timeLeftForModel(CallState call) {
    return call.nanosLeft(time.nanoTime()) >= route.resilience().retry().minAttemptTime().toNanos();
  }

  private record Request(CallState call, StateChain next, SluiceException failure, FallbackTrigger trigger) implements FallbackRequest {
    @Override
    public CompletionStage<ChatResponse> callVariant(Variant variant) {
      // The route's own instance of the variant (its breaker, bulkhead and meters are keyed by it).
      call.variant(call.route().variant(variant.id()));
      return next.proceed(call);
    }
  }
}
