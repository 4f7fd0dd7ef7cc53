package dev.sluice.internal.resilience;

import dev.sluice.CallTimeoutException;
import dev.sluice.ModelCallException;
import dev.sluice.Route;
import dev.sluice.SluiceException;
import dev.sluice.Variant;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallChain;
import dev.sluice.pipeline.CallContext;
import dev.sluice.pipeline.CallStep;
import dev.sluice.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Innermost: ends an attempt at its timeout or at the call's deadline, whichever is nearer, and
 * aborts the request in flight, so no thread or connection outlives it. A timer on the
 * {@link TimeSource} does the waiting; no thread is blocked per attempt.
 */
public final class TimeoutStep implements CallStep {

  private final Route route;
  private final TimeSource time;

  public TimeoutStep(Route route, TimeSource time) {
    this.route = route;
    this.time = time;
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallContext call, CallChain next) {
    Variant variant = call.requireVariant();
    Duration attemptTimeout = route.resilience(variant).attemptTimeout();
    Instant deadline = call.deadline();
    Duration limit = attemptTimeout;
    boolean deadlineBinds = false;
    if (deadline != null) {
      Duration left = Duration.between(time.now(), deadline);
      if (left.compareTo(limit) < 0) {
        limit = left.isNegative() ? Duration.ZERO : left;
        deadlineBinds = true;
      }
    }
    boolean byDeadline = deadlineBinds;
    int attempt = call.attempts() + 1;
    CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    TimeSource.Scheduled timer = time.schedule(limit, () -> {
      // Built only when it fires: filling in a stack trace on every attempt costs more than the rest of the pipeline.
      SluiceException timeout = timeout(variant, attemptTimeout, byDeadline, attempt);
      call.abortAttempt(timeout);
      // If the client ignored the cancellation, the attempt still ends now.
      result.completeExceptionally(timeout);
    });
    next.proceed(call).whenComplete((response, failure) -> {
      timer.cancel();
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(response);
      }
    });
    return result;
  }

  private SluiceException timeout(Variant variant, Duration attemptTimeout, boolean byDeadline, int attempt) {
    return byDeadline
        ? new CallTimeoutException("route '" + route.name() + "' variant '" + variant.id() + "': the call's deadline of "
            + route.resilience().deadline().toMillis() + " ms passed during attempt " + attempt, route.resilience().deadline())
        : new ModelCallException(ModelCallException.Kind.ATTEMPT_TIMEOUT, 0,
            "variant '" + variant.id() + "' did not answer within its attempt timeout of " + attemptTimeout.toMillis() + " ms",
            null, null);
  }
}
