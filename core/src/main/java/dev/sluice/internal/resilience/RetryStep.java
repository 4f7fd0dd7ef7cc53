package dev.sluice.internal.resilience;

import dev.sluice.outcome.CallTimeoutException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.resilience.RetryBudget;
import dev.sluice.resilience.RetryPolicy;
import dev.sluice.Route;
import dev.sluice.outcome.SluiceException;
import dev.sluice.internal.Failures;
import dev.sluice.internal.Stages;
import dev.sluice.model.ChatResponse;
import dev.sluice.internal.StateChain;
import dev.sluice.internal.CallState;
import dev.sluice.internal.StateStep;
import dev.sluice.time.TimeSource;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The call's deadline and its attempt loop. Resilience4j's {@link Retry} decides whether a failure
 * is retried and how long to back off (exponential with jitter; a provider's Retry-After, capped,
 * when it is longer); Sluice waits on its {@link TimeSource}, not a thread, and adds two limits
 * Resilience4j does not have: no attempt starts when the deadline leaves less than the policy's
 * minimum attempt time, and retries draw from the route's {@link RetryBudgetCounter}.
 */
public final class RetryStep implements StateStep {

  private final Route route;
  private final TimeSource time;
  private final Executor executor;
  private final Retry retry;
  private final RetryBudgetCounter budget;
  private final Counter retries;
  private final Counter budgetExhausted;

  public RetryStep(Route route, TimeSource time, Executor executor, Breakers registry, MeterRegistry meters) {
    this.route = route;
    this.time = time;
    this.executor = executor;
    RetryPolicy p = route.resilience().retry();
    IntervalFunction backoff = IntervalFunction.ofExponentialBackoff(p.initialBackoff(), p.backoffMultiplier(), p.maxBackoff());
    // Jitter from a generator of our own: on a manual clock (tests, the demo) everything runs on the
    // thread that advances it, and a seeded generator makes a run with the same seed the same run.
    java.util.function.DoubleSupplier uniform = time instanceof dev.sluice.time.ManualTimeSource ? seeded()
        : () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble();
    double jitter = p.jitter();
    IntervalBiFunction<Object> interval = (attempt, outcome) -> {
      long ms = Math.round(backoff.apply(attempt) * (1 + jitter * (2 * uniform.getAsDouble() - 1)));
      if (outcome.isLeft() && outcome.getLeft() instanceof ModelCallException m && m.retryAfter().isPresent()) {
        long retryAfter = Math.min(m.retryAfter().get().toMillis(), p.retryAfterCap().toMillis());
        ms = Math.max(ms, retryAfter);
      }
      return ms;
    };
    RetryConfig config = RetryConfig.custom()
        .maxAttempts(p.maxAttempts())
        .retryOnException(t -> t instanceof SluiceException e && e.isRetryable())
        .intervalBiFunction(interval)
        .build();
    this.retry = registry.retry(route.name(), config);
    RetryBudget b = route.resilience().retryBudget();
    this.budget = new RetryBudgetCounter(time, b.ratio(), b.window(), b.minRetries());
    this.retries = Counter.builder("sluice.retries").description("Attempts after the first").tag("route", route.name()).register(meters);
    this.budgetExhausted = Counter.builder("sluice.retry.budget.exhausted")
        .description("Retries not made because the retry budget was spent").tag("route", route.name()).register(meters);
  }

  private static java.util.function.DoubleSupplier seeded() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(0x5eed);
    return () -> {
      synchronized (r) {
        return r.nextDouble();
      }
    };
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    ResiliencePolicy p = route.resilience();
    if (call.deadline() == null) {
      call.deadline(call.startedAt().plus(p.deadline()));
    }
    budget.recordCall(call.startNanos());
    Retry.AsyncContext<ChatResponse> context = retry.asyncContext();
    if (!timeForAttempt(call)) {
      return CompletableFuture.failedFuture(deadlinePassed(call, p, null));
    }
    CompletionStage<ChatResponse> first = next.proceed(call);
    // The first attempt answered at once: no retry to arrange, no stage of our own needed.
    if (Stages.doneValue(first) != null) {
      context.onComplete();
      return first;
    }
    CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    first.whenComplete((response, failure) -> ended(call, next, context, result, response, failure));
    return result;
  }

  private void attempt(CallState call, StateChain next, Retry.AsyncContext<ChatResponse> context,
      CompletableFuture<ChatResponse> result, SluiceException last) {
    if (!timeForAttempt(call)) {
      result.completeExceptionally(deadlinePassed(call, route.resilience(), last));
      return;
    }
    next.proceed(call).whenComplete((response, failure) -> ended(call, next, context, result, response, failure));
  }

  /** Whether the deadline leaves at least the policy's minimum attempt time. */
  private boolean timeForAttempt(CallState call) {
    return call.nanosLeft(time.nanoTime()) >= route.resilience().retry().minAttemptTime().toNanos();
  }

  /** An attempt ended: answer, fail, or schedule the next attempt. */
  private void ended(CallState call, StateChain next, Retry.AsyncContext<ChatResponse> context,
      CompletableFuture<ChatResponse> result, @Nullable ChatResponse response, @Nullable Throwable failure) {
    ResiliencePolicy p = route.resilience();
    if (failure == null) {
      context.onComplete();
      result.complete(response);
      return;
    }
    SluiceException error = Failures.fromStep(failure);
    // Part of a streamed answer reached the caller: another attempt would splice a second answer on.
    if (call.isCancelled() || call.streamCommitted()) {
      result.completeExceptionally(error);
      return;
    }
    long delayMs = context.onError(error);
    if (delayMs < 0) {
      result.completeExceptionally(error);
      return;
    }
    Duration delay = Duration.ofMillis(delayMs);
    if (call.nanosLeft(time.nanoTime()) - delay.toNanos() < p.retry().minAttemptTime().toNanos()) {
      result.completeExceptionally(deadlinePassed(call, p, error));
      return;
    }
    if (!budget.tryRetry()) {
      budgetExhausted.increment();
      call.detail("retry_budget", "exhausted");
      result.completeExceptionally(error);
      return;
    }
    retries.increment();
    // The timer only hands the attempt over: its guardrails, token count and request never run on the timer's thread.
    time.schedule(delay, () -> executor.execute(() -> attempt(call, next, context, result, error)));
  }

  private static SluiceException deadlinePassed(CallState call, ResiliencePolicy p, @Nullable SluiceException last) {
    if (last instanceof CallTimeoutException t) {
      return t;
    }
    CallTimeoutException e = new CallTimeoutException("route '" + call.route().name() + "': the deadline of "
        + p.deadline().toMillis() + " ms leaves no time for attempt " + (call.attempts() + 1)
        + (last == null ? "" : "; last failure: " + last.getMessage()), p.deadline());
    if (last != null) {
      e.initCause(last);
    }
    return e;
  }
}
