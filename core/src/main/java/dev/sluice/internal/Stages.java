package dev.sluice.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The synchronous fast path of the pipeline's steps. When the rest of the pipeline has already
 * answered by the time it returns (a cache, a fixed answer, a simulated model, an {@code @LlmRoute}
 * body that calls a blocking client), a step does its after-work at once and hands the same stage
 * back, instead of chaining a new stage and a lambda onto it. The answer, and the order in which
 * the steps see it, are the same either way; only the allocation differs. A failed or pending
 * stage takes the ordinary asynchronous path.
 */
public final class Stages {

  private Stages() {}

  /**
   * The stage's value if it is a {@link CompletableFuture} that has completed normally with a
   * value, else null (pending, failed, or another kind of stage).
   */
  public static <T> @Nullable T doneValue(CompletionStage<T> stage) {
    if (stage instanceof CompletableFuture<T> f && f.isDone() && !f.isCompletedExceptionally()) {
      return f.getNow(null);
    }
    return null;
  }

  /** Whether the stage is a {@link CompletableFuture} that has completed, normally or not. */
  public static boolean isDone(CompletionStage<?> stage) {
    return stage instanceof CompletableFuture<?> f && f.isDone();
  }
}
