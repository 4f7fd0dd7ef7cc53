package dev.sluice.internal;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The subscription one subscriber holds on a stream: a producer {@linkplain #offer offers} items
 * as they come, and the pump hands them over as the subscriber's demand allows, one thread at a
 * time, never recursing. It tells its producer when to make more ({@link Producer#more}: the
 * subscriber wants items and none are waiting), which is how demand reaches the source (an HTTP
 * body, a model's stream) and a slow subscriber slows the source instead of filling the heap: a
 * producer that makes items only when asked keeps at most one batch waiting.
 *
 * <p>A failure is handed over at once, before items still waiting (they are dropped), so a broken
 * stream ends when it breaks. Cancelling drops what waits and tells the producer once.
 *
 * @param <T> the items
 */
public final class ChunkPump<T> implements Flow.Subscription {

  /** The source behind a pump. Its methods are called one at a time, never re-entrantly. */
  public interface Producer {
    /** The subscriber wants items and none are waiting: make some (now or later). */
    void more();

    /** The subscriber cancelled: stop, release what the stream holds. */
    void cancelled();
  }

  private final Flow.Subscriber<? super T> subscriber;
  private final Producer producer;
  private final Queue<T> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger drains = new AtomicInteger();
  private final AtomicInteger asks = new AtomicInteger();
  private volatile boolean done;
  private volatile @Nullable Throwable failure;
  private volatile boolean cancelled;
  /** Set once the subscriber has been told the stream ended (only the draining thread writes it). */
  private boolean ended;

  public ChunkPump(Flow.Subscriber<? super T> subscriber, Producer producer) {
    this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
    this.producer = Objects.requireNonNull(producer, "producer");
  }

  /** Hands this subscription to the subscriber; call once, before offering anything. */
  public void start() {
    try {
      subscriber.onSubscribe(this);
    } catch (Throwable t) {
      cancel();
      throw t;
    }
  }

  /** One more item for the subscriber. Ignored once the stream ended or was cancelled. */
  public void offer(T item) {
    Objects.requireNonNull(item, "item");
    if (done || cancelled) {
      return;
    }
    // The common case, a subscriber that wants it and no one draining: hand it over without queueing it.
    if (drains.compareAndSet(0, 1)) {
      if (!ended && !cancelled && failure == null && waiting.isEmpty() && demand.get() > 0) {
        if (demand.get() != Long.MAX_VALUE) {
          demand.decrementAndGet();
        }
        subscriber.onNext(item);
      } else {
        waiting.add(item);
      }
      drainOwned();
      return;
    }
    waiting.add(item);
    drain();
  }

  /** The stream ended normally: the subscriber gets what waits, then {@code onComplete}. */
  public void complete() {
    done = true;
    drain();
  }

  /** The stream failed: the subscriber gets {@code onError} at once; items still waiting are dropped. */
  public void fail(Throwable error) {
    Objects.requireNonNull(error, "error");
    if (done) {
      return;
    }
    failure = error;
    done = true;
    drain();
  }

  /** Whether the subscriber cancelled. */
  public boolean isCancelled() {
    return cancelled;
  }

  /** Whether the stream has ended (completed, failed or cancelled). */
  public boolean isDone() {
    return done || cancelled;
  }

  /** Whether the subscriber wants items now and none are waiting. */
  public boolean hungry() {
    return !done && !cancelled && demand.get() > 0 && waiting.isEmpty();
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      fail(new IllegalArgumentException("Flow.Subscription.request(" + n + "): demand must be positive (Reactive Streams rule 3.9)"));
      return;
    }
    long current;
    long next;
    do {
      current = demand.get();
      if (current == Long.MAX_VALUE) {
        break;
      }
      next = current + n;
      if (next < 0) {
        next = Long.MAX_VALUE;
      }
    } while (!demand.compareAndSet(current, next));
    drain();
  }

  @Override
  public void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    waiting.clear();
    if (!ended) {
      try {
        producer.cancelled();
      } catch (RuntimeException e) {
        // The subscriber gave up; the producer's trouble stopping is not theirs.
      }
    }
  }

  /** Hands over what the demand allows; one thread at a time, the others leave work for it. */
  private void drain() {
    if (drains.getAndIncrement() != 0) {
      return;
    }
    drainOwned();
  }

  /** The drain loop, entered by the thread that took the drain. */
  private void drainOwned() {
    int missed = 1;
    boolean askForMore = false;
    while (true) {
      if (!ended && !cancelled) {
        askForMore = handOver();
      }
      missed = drains.addAndGet(-missed);
      if (missed == 0) {
        break;
      }
    }
    if (askForMore) {
      ask();
    }
  }

  /** One round of handing over; true when the producer should make more. */
  private boolean handOver() {
    Throwable f = failure;
    if (f != null) {
      end();
      waiting.clear();
      subscriber.onError(f);
      return false;
    }
    long wanted = demand.get();
    long given = 0;
    while (given != wanted) {
      if (cancelled) {
        return false;
      }
      T next = waiting.poll();
      if (next == null) {
        break;
      }
      given++;
      subscriber.onNext(next);
      if (failure != null) {
        return handOver();
      }
    }
    if (done && waiting.isEmpty() && !cancelled) {
      end();
      subscriber.onComplete();
      return false;
    }
    if (given != 0 && wanted != Long.MAX_VALUE) {
      demand.addAndGet(-given);
    }
    return demand.get() > 0 && waiting.isEmpty() && !done && !cancelled;
  }

  private void end() {
    ended = true;
  }

  /** Asks the producer for more, one ask at a time: an ask made during an ask runs after it, not inside it. */
  private void ask() {
    if (asks.getAndIncrement() != 0) {
      return;
    }
    do {
      if (!cancelled && !done && demand.get() > 0 && waiting.isEmpty()) {
        producer.more();
      }
    } while (asks.decrementAndGet() != 0);
  }
}
