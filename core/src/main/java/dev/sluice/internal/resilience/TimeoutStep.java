package dev.sluice.internal.resilience;

import dev.sluice.outcome.CallTimeoutException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.Route;
import dev.sluice.outcome.SluiceException;
import dev.sluice.release.Variant;
import dev.sluice.internal.Stages;
import dev.sluice.model.ChatResponse;
import dev.sluice.internal.StateChain;
import dev.sluice.internal.CallState;
import dev.sluice.internal.StateStep;
import dev.sluice.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;

/**
 * Innermost: ends an attempt at its timeout or at the call's deadline, whichever is nearer, and
 * aborts the request in flight, so no thread or connection outlives it. A timer on the
 * {@link TimeSource} does the waiting; no thread is blocked per attempt. A streamed attempt is
 * bounded here by the deadline only: its first-chunk and idle timeouts are the stream's own
 * ({@code AttemptStream}).
 */
public final class TimeoutStep implements StateStep {

  private final Route route;
  private final TimeSource time;
  private final Executor executor;

  public TimeoutStep(Route route, TimeSource time, Executor executor) {
    this.route = route;
    this.time = time;
    this.executor = executor;
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    Variant variant = call.requireVariant();
    Duration attemptTimeout = route.resilience(variant).timeout().attempt();
    Duration limit = attemptTimeout;
    boolean deadlineBinds = false;
    long left = call.nanosLeft(time.nanoTime());
    // A streamed attempt has its own first-chunk and idle timeouts; only the deadline bounds its whole length here.
    if (left < attemptTimeout.toNanos() || call.stream() != null) {
      limit = Duration.ofNanos(Math.max(0, left));
      deadlineBinds = true;
    }
    AttemptTimer timer = new AttemptTimer(call, variant, attemptTimeout, deadlineBinds, call.attempts() + 1);
    timer.scheduled = time.schedule(limit, timer);
    CompletionStage<ChatResponse> attempt = next.proceed(call);
    // Answered before the timer could fire (and now it never will): the answer goes up as it is.
    if (Stages.doneValue(attempt) != null && timer.scheduled.cancel()) {
      return attempt;
    }
    attempt.whenComplete(timer);
    return timer;
  }

  /**
   * One attempt's timeout: the task the timer runs when the attempt takes too long, the
   * continuation that cancels that task when the attempt ends first, and the attempt's result as
   * the outer steps see it, in one object.
   */
  private final class AttemptTimer extends CompletableFuture<ChatResponse>
      implements Runnable, BiConsumer<ChatResponse, Throwable> {
    private static final int PENDING = 0;
    private static final int ENDED = 1;
    private static final int FIRED = 2;
    /** Whichever of the attempt's end and the timer comes first claims the attempt; the other does nothing. */
    volatile int state;
    private final CallState call;
    private final Variant variant;
    private final Duration attemptTimeout;
    private final boolean byDeadline;
    private final int attempt;
    /** Set before the attempt starts, so before either method below can run. */
    @SuppressWarnings("NullAway.Init")
    TimeSource.Scheduled scheduled;

    AttemptTimer(CallState call, Variant variant, Duration attemptTimeout, boolean byDeadline, int attempt) {
      this.call = call;
      this.variant = variant;
      this.attemptTimeout = attemptTimeout;
      this.byDeadline = byDeadline;
      this.attempt = attempt;
    }

    /**
     * The timer fired, on the timer's thread: it claims the attempt there, so an answer arriving
     * now is dropped, and hands the abort over to the executor, because ending the attempt runs
     * everything that follows it (retries, fallback links, the audit sink, the caller's code).
     */
    @Override
    public void run() {
      if (STATE.compareAndSet(this, PENDING, FIRED)) {
        executor.execute(this::fire);
      }
    }

    private void fire() {
      // Built only when it fires: filling in a stack trace on every attempt costs more than the rest of the pipeline.
      SluiceException timeout = timeout(variant, attemptTimeout, byDeadline, attempt);
      call.abortAttempt(timeout);
      // If the client ignored the cancellation, the attempt still ends now.
      completeExceptionally(timeout);
    }

    /** The attempt ended (unless the timer claimed it first: then its abort ends it). */
    @Override
    public void accept(ChatResponse response, Throwable failure) {
      if (!STATE.compareAndSet(this, PENDING, ENDED)) {
        return;
      }
      scheduled.cancel();
      if (failure != null) {
        completeExceptionally(failure);
      } else {
        complete(response);
      }
    }
  }

  private static final AtomicIntegerFieldUpdater<AttemptTimer> STATE =
      AtomicIntegerFieldUpdater.newUpdater(AttemptTimer.class, "state");

  private SluiceException timeout(Variant variant, Duration attemptTimeout, boolean byDeadline, int attempt) {
    return byDeadline
        ? new CallTimeoutException("route '" + route.name() + "' variant '" + variant.id() + "': the call's deadline of "
            + route.resilience().deadline().toMillis() + " ms passed during attempt " + attempt, route.resilience().deadline())
        : new ModelCallException(ModelCallException.Kind.ATTEMPT_TIMEOUT, 0,
            "variant '" + variant.id() + "' did not answer within its attempt timeout of " + attemptTimeout.toMillis() + " ms",
            null, null);
  }
}
