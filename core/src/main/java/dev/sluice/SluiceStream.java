package dev.sluice;

import dev.sluice.model.ChatChunk;
import dev.sluice.outcome.SluiceException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A streamed call: a {@link Flow.Publisher} of the answer's chunks, and the call's {@link
 * #response()} once it ends. The call starts when it is subscribed to, once (a second subscriber
 * gets an {@link IllegalStateException}); it runs the route's whole pipeline, and until its first
 * chunk reaches the subscriber, a failure is retried or falls back exactly as a whole call's is.
 * After that, a failure ends the stream with a {@link dev.sluice.outcome.StreamInterruptedException}
 * saying how much was delivered; the stream never ends cleanly unless the answer is complete.
 *
 * <p>Demand is honoured all the way to the model: a slow subscriber slows the reading of the
 * model's stream. Cancelling the subscription cancels the call and aborts its request. The call's
 * deadline bounds the whole stream, however slowly it is read.
 *
 * <p>For simple callers, {@link #iterator()} reads it blocking:
 *
 * <pre>{@code
 * SluiceStream stream = sluice.stream("support-answer", ChatRequest.ofUser("Where is my order?"), Subject.of("user-42"));
 * for (ChatChunk chunk : stream) {
 *   out.print(chunk.text());
 * }
 * SluiceResponse done = stream.response().join();   // labels, outcome, usage, cost
 * }</pre>
 */
public final class SluiceStream implements Flow.Publisher<ChatChunk>, Iterable<ChatChunk> {

  private final Consumer<Flow.Subscriber<? super ChatChunk>> start;
  private final CompletableFuture<SluiceResponse> response;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  SluiceStream(Consumer<Flow.Subscriber<? super ChatChunk>> start, CompletableFuture<SluiceResponse> response) {
    this.start = start;
    this.response = response;
  }

  /** Starts the call; its chunks go to {@code subscriber}. Once only. */
  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      refuse(subscriber, new IllegalStateException("a SluiceStream is one call: it can be subscribed to once"));
      return;
    }
    start.accept(subscriber);
  }

  /** Tells a subscriber its stream cannot start: a subscription that does nothing, then the error. */
  static void refuse(Flow.Subscriber<?> subscriber, Throwable why) {
    subscriber.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {}
    });
    subscriber.onError(why);
  }

  /**
   * The call's response once the stream has ended: the whole answer, its variant and labels,
   * outcome, usage and cost; completes exceptionally as the stream does. Completes only after the
   * stream was subscribed to.
   */
  public CompletableFuture<SluiceResponse> response() {
    return response;
  }

  /**
   * Subscribes and reads the chunks blocking, a few at a time. {@code next()} throws the stream's
   * failure (a {@link SluiceException}). An iterator left unfinished holds its call until the
   * call's deadline ends it; {@link BlockingChunks#close()} ends it at once.
   */
  @Override
  public BlockingChunks iterator() {
    BlockingChunks chunks = new BlockingChunks();
    subscribe(chunks);
    return chunks;
  }

  /** A blocking reader of the stream: requests a few chunks at a time and waits for them. */
  public static final class BlockingChunks implements Iterator<ChatChunk>, Flow.Subscriber<ChatChunk>, AutoCloseable {
    private static final int BATCH = 16;
    private static final Object END = new Object();
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(BATCH + 2);
    private volatile Flow.@Nullable Subscription subscription;
    private @Nullable Object next;
    private int taken;
    private boolean ended;

    private BlockingChunks() {}

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(BATCH);
    }

    @Override
    public void onNext(ChatChunk item) {
      queue.add(item);
    }

    @Override
    public void onError(Throwable t) {
      queue.add(t);
    }

    @Override
    public void onComplete() {
      queue.add(END);
    }

    @Override
    public boolean hasNext() {
      if (next == null && !ended) {
        try {
          next = queue.take();
        } catch (InterruptedException e) {
          close();
          Thread.currentThread().interrupt();
          throw new SluiceException("interrupted while reading the stream; the call was cancelled", e);
        }
      }
      if (next == END) {
        ended = true;
        next = null;
        return false;
      }
      if (next instanceof Throwable t) {
        ended = true;
        next = null;
        throw t instanceof RuntimeException re ? re : new SluiceException("the stream failed: " + t, t);
      }
      return next != null;
    }

    @Override
    public ChatChunk next() {
      if (!hasNext()) {
        throw new NoSuchElementException("the stream has ended");
      }
      ChatChunk c = (ChatChunk) Objects.requireNonNull(next);
      next = null;
      if (++taken == BATCH) {
        taken = 0;
        Flow.Subscription s = subscription;
        if (s != null) {
          s.request(BATCH);
        }
      }
      return c;
    }

    /** Stops reading: the call is cancelled if it is still running. */
    @Override
    public void close() {
      if (!ended) {
        ended = true;
        Flow.Subscription s = subscription;
        if (s != null) {
          s.cancel();
        }
      }
    }
  }
}
