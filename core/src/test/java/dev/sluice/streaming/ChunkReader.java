package dev.sluice.streaming;

import dev.sluice.model.ChatChunk;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A test's reader of a stream: keeps what it gets and how the stream ended; asks for all of it, or only when told. */
public final class ChunkReader<T> implements Flow.Subscriber<T> {

  public final List<T> items = new CopyOnWriteArrayList<>();
  public final AtomicReference<Throwable> failure = new AtomicReference<>();
  public volatile boolean complete;
  public volatile Flow.Subscription subscription;
  private final long initialDemand;
  private final CountDownLatch ended = new CountDownLatch(1);

  private ChunkReader(long initialDemand) {
    this.initialDemand = initialDemand;
  }

  /** Asks for everything at once. */
  public static <T> ChunkReader<T> all() {
    return new ChunkReader<>(Long.MAX_VALUE);
  }

  /** Asks for nothing until the test calls {@code subscription.request}. */
  public static <T> ChunkReader<T> manual() {
    return new ChunkReader<>(0);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (initialDemand > 0) {
      s.request(initialDemand);
    }
  }

  @Override
  public void onNext(T item) {
    items.add(item);
    synchronized (this) {
      notifyAll();
    }
  }

  /** Waits (up to ten seconds) until at least {@code n} items have come; returns this. */
  public synchronized ChunkReader<T> awaitItems(int n) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long left;
    try {
      while (items.size() < n && (left = end - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return this;
  }

  @Override
  public void onError(Throwable t) {
    failure.set(t);
    ended.countDown();
  }

  @Override
  public void onComplete() {
    complete = true;
    ended.countDown();
  }

  /** Waits (up to ten seconds) for the stream to end; returns this. */
  public ChunkReader<T> await() {
    try {
      if (!ended.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the stream did not end within 10 s; got " + items.size() + " item(s)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return this;
  }

  /** The text of the chunks read (for a reader of chunks). */
  public String text() {
    StringBuilder b = new StringBuilder();
    for (T item : items) {
      b.append(item instanceof ChatChunk c ? c.text() : String.valueOf(item));
    }
    return b.toString();
  }
}
