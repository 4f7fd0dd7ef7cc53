package dev.sluice.internal;

import dev.sluice.outcome.ModelCallException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * A model call that waits on a thread of an executor (a blocking SDK, or the JDK client's blocking
 * send): its answer completes the returned future, a failure completes it exceptionally as the
 * caller maps it, and cancelling the future interrupts the waiting thread. A call the executor
 * refuses fails at once; nothing is left waiting for an answer nobody will give.
 */
public final class WaitingCall {

  /** The blocking call; may throw anything. */
  @FunctionalInterface
  public interface Body<T> {
    T call() throws Exception;
  }

  private WaitingCall() {}

  public static <T> CompletableFuture<T> on(Executor executor, String provider, Body<T> body, Function<Throwable, ? extends Throwable> failure) {
    CompletableFuture<T> result = new CompletableFuture<>();
    FutureTask<Void> task = new FutureTask<>(() -> {
      try {
        result.complete(body.call());
      } catch (Throwable t) {
        result.completeExceptionally(failure.apply(t));
      }
      return null;
    });
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        task.cancel(true);
      }
    });
    try {
      executor.execute(task);
    } catch (RuntimeException rejected) {
      result.completeExceptionally(new ModelCallException(ModelCallException.Kind.OTHER, 0,
          "the executor refused the call to " + provider + ": " + rejected, null, rejected));
    }
    return result;
  }
}
