package dev.sluice.model;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ModelClient#stream} for an SDK that pushes its chunks (a callback per partial answer, or
 * a blocking iterator read on a thread) instead of waiting for demand: the chunks wait in a buffer
 * of a fixed size, and while it is full {@link Sink#push} waits, which slows the SDK's reading
 * instead of filling the heap. For integration authors, as {@link BlockingModelClient} is for
 * blocking calls:
 *
 * <pre>{@code
 * public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
 *   return PushedChunks.of(executor, 64, sink -> executor.execute(() -> {
 *     try (SdkStream s = sdk.stream(translate(request))) {
 *       sink.onCancel(s::close);                      // unblocks a read in progress
 *       for (SdkChunk c : s) {
 *         if (!sink.push(translate(c))) return;        // the reader cancelled
 *       }
 *       sink.complete();
 *     } catch (RuntimeException e) {
 *       sink.fail(failure(e));
 *     }
 *   }));
 * }
 * }</pre>
 *
 * <p>The publisher is cold: each subscription calls {@code start} once, on the subscribing thread.
 */
public final class PushedChunks {

  private PushedChunks() {}

  /** Where the SDK's chunks go, and how it learns that the reader stopped. Thread-safe. */
  public interface Sink {

    /**
     * Delivers a chunk, waiting while the reader is the buffer's size behind. False once the reader
     * cancelled or the stream ended: stop producing.
     */
    boolean push(ChatChunk chunk);

    /** The stream ended; the reader is told after the chunks before it. */
    void complete();

    /** The stream failed: give the {@link dev.sluice.outcome.ModelCallException} that says whether a retry may help. */
    void fail(Throwable failure);

    /** Whether the reader cancelled. */
    boolean isCancelled();

    /** Runs {@code action} when the reader cancels (at once if it has): close the SDK's stream, abort its request. */
    void onCancel(Runnable action);
  }

  /** A cold publisher whose subscriptions each call {@code start} with a sink holding at most {@code buffer} chunks. */
  public static Flow.Publisher<ChatChunk> of(Executor executor, int buffer, Consumer<Sink> start) {
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(start, "start");
    if (buffer < 1) {
      throw new IllegalArgumentException("buffer must be at least 1, was " + buffer);
    }
    return subscriber -> {
      SubmissionPublisher<ChatChunk> out = new SubmissionPublisher<>(executor, buffer);
      Buffered sink = new Buffered(out);
      out.subscribe(new Relay(subscriber, sink));
      try {
        start.accept(sink);
      } catch (RuntimeException e) {
        sink.fail(e);
      }
    };
  }

  private static final class Buffered implements Sink {
    private final SubmissionPublisher<ChatChunk> out;
    private volatile boolean cancelled;
    private volatile @Nullable Throwable pending;
    private final java.util.concurrent.atomic.AtomicLong submitted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong delivered = new java.util.concurrent.atomic.AtomicLong();
    private @Nullable Runnable onCancel;

    Buffered(SubmissionPublisher<ChatChunk> out) {
      this.out = out;
    }

    @Override
    public boolean push(ChatChunk chunk) {
      if (cancelled || pending != null || out.isClosed()) {
        return false;
      }
      try {
        submitted.incrementAndGet();
        out.submit(chunk);
        return !cancelled;
      } catch (IllegalStateException closedMeanwhile) {
        return false;
      }
    }

    @Override
    public void complete() {
      out.close();
    }

    /**
     * The failure reaches the reader after the chunks still in the buffer (SubmissionPublisher's own
     * closeExceptionally would drop them): now if none are, else once the last is delivered.
     */
    @Override
    public void fail(Throwable failure) {
      pending = failure;
      if (delivered.get() == submitted.get()) {
        out.closeExceptionally(failure);
      }
    }

    /** After each delivery: a failure waiting for the buffer to drain is passed on once it has. */
    void delivered() {
      long n = delivered.incrementAndGet();
      Throwable failure = pending;
      if (failure != null && n == submitted.get()) {
        out.closeExceptionally(failure);
      }
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public void onCancel(Runnable action) {
      boolean now;
      synchronized (this) {
        onCancel = action;
        now = cancelled;
      }
      if (now) {
        action.run();
      }
    }

    void cancel() {
      Runnable action;
      synchronized (this) {
        cancelled = true;
        action = onCancel;
      }
      out.close();
      if (action != null) {
        action.run();
      }
    }
  }

  /** Passes the buffer's signals to the reader; the reader's cancel reaches the sink. */
  private record Relay(Flow.Subscriber<? super ChatChunk> subscriber, Buffered sink) implements Flow.Subscriber<ChatChunk> {
    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          subscription.request(n);
        }

        @Override
        public void cancel() {
          subscription.cancel();
          sink.cancel();
        }
      });
    }

    @Override
    public void onNext(ChatChunk item) {
      subscriber.onNext(item);
      sink.delivered();
    }

    @Override
    public void onError(Throwable throwable) {
      subscriber.onError(throwable);
    }

    @Override
    public void onComplete() {
      subscriber.onComplete();
    }
  }
}
