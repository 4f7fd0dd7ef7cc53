package dev.sluice.internal;

import dev.sluice.model.ChatResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The one place that decides the pipeline's synchronous fast path. When the rest of the pipeline
 * has already answered by the time it returns (a cache, a fixed answer, a simulated model, an
 * {@code @LlmRoute} body that calls a blocking client), a step's after-work runs at once and the
 * same stage goes back up, instead of a new stage and a lambda chained onto it. The answer, and the
 * order in which the steps see it, are the same either way; only the allocation differs. A failed
 * or pending stage takes the ordinary asynchronous path.
 *
 * <p>A step states its after-work once, as an {@link After}, a {@link Check} or a {@link Handler}
 * (usually implemented by the step itself, so the fast path allocates nothing), and hands it to
 * {@link #after}, {@link #check} or {@link #handle}. Only the steps whose failure path starts new
 * work (retry, timeout, fallback) read {@link #doneValue} themselves, for their answered-at-once
 * case.
 */
public final class Stages {

  private Stages() {}

  /** Work after the rest of the pipeline, whatever its outcome; it must not throw. */
  @FunctionalInterface
  public interface After<X> {
    /**
     * @param ticket what the step kept from before (a breaker, a budget plan; any value when it needs none)
     * @param n a number the step kept from before (a start time), or 0
     */
    void after(CallState call, X ticket, long n, @Nullable ChatResponse response, @Nullable Throwable failure);
  }

  /** A check of the answer: returns it (or a rewritten one), or throws to fail the attempt. */
  @FunctionalInterface
  public interface Check {
    ChatResponse check(CallState call, ChatResponse response);
  }

  /** What an answer becomes, or what a failure is turned into. */
  public interface Handler<T, X> {
    ChatResponse answered(CallState call, X ticket, long n, T value);

    RuntimeException failed(CallState call, X ticket, long n, Throwable failure);
  }

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

  /**
   * Runs {@code work} when the stage completes, with its value or failure, and passes the outcome
   * on unchanged; at once when the stage has answered already (and, for a stage that has already
   * failed, also at once, on this thread).
   */
  public static <X> CompletionStage<ChatResponse> after(CompletionStage<ChatResponse> stage, CallState call, X ticket, long n,
      After<X> work) {
    ChatResponse value = doneValue(stage);
    if (value != null) {
      work.after(call, ticket, n, value, null);
      return stage;
    }
    return stage.whenComplete((response, failure) -> work.after(call, ticket, n, response, failure));
  }

  /**
   * The stage's answer through {@code check}; a failure passes through unchanged. At once when the
   * stage has answered already, handing the same stage back when the check returns the answer as
   * it is.
   */
  public static CompletionStage<ChatResponse> check(CompletionStage<ChatResponse> stage, CallState call, Check check) {
    ChatResponse value = doneValue(stage);
    if (value != null) {
      ChatResponse checked;
      try {
        checked = check.check(call, value);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
      return checked == value ? stage : CompletableFuture.completedFuture(checked);
    }
    return stage.thenApply(response -> check.check(call, response));
  }

  /**
   * The stage's value through {@link Handler#answered}, or its failure through {@link
   * Handler#failed}; at once when the stage has answered already, handing the same stage back
   * when the handler returns the value as it is.
   */
  public static <T, X> CompletionStage<ChatResponse> handle(CompletionStage<? extends T> stage, CallState call, X ticket, long n,
      Handler<T, X> handler) {
    T value = doneValue(stage);
    if (value != null) {
      ChatResponse answered;
      try {
        answered = handler.answered(call, ticket, n, value);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
      // The same answer: then the stage is a stage of that answer, and goes back up as it is.
      @SuppressWarnings("unchecked")
      CompletionStage<ChatResponse> same = answered == value ? (CompletionStage<ChatResponse>) stage : null;
      return same != null ? same : CompletableFuture.completedFuture(answered);
    }
    return stage.handle((done, failure) -> {
      if (failure != null) {
        throw handler.failed(call, ticket, n, failure);
      }
      return handler.answered(call, ticket, n, done);
    });
  }
}
