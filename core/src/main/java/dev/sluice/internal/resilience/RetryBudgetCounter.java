package dev.sluice.internal.resilience;

import dev.sluice.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Caps retries to a share of calls over a sliding window (ten buckets), plus a floor of retries
 * per window so a quiet route can still retry. In an outage every call fails; without a budget each
 * would retry {@code maxAttempts - 1} times and multiply the load on a provider that is already
 * down (Finagle's and gRPC's retry budgets work the same way). Thread-safe.
 */
public final class RetryBudgetCounter {

  private static final int BUCKETS = 10;

  private final TimeSource time;
  private final double ratio;
  private final int minRetries;
  private final long bucketNanos;
  /** Calls per bucket: added to by every call on every thread, so adders rather than a lock. */
  private final LongAdder[] calls = new LongAdder[BUCKETS];
  private final long[] retries = new long[BUCKETS];
  /** Each bucket's start; the thread that moves a bucket into a new period clears it. */
  private final AtomicLongArray bucketStart = new AtomicLongArray(BUCKETS);

  public RetryBudgetCounter(TimeSource time, double ratio, Duration window, int minRetries) {
    this.time = time;
    this.ratio = ratio;
    this.minRetries = minRetries;
    this.bucketNanos = Math.max(1, window.toNanos() / BUCKETS);
    long now = time.nanoTime();
    for (int i = 0; i < BUCKETS; i++) {
      calls[i] = new LongAdder();
      bucketStart.set(i, Long.MIN_VALUE);
    }
    bucketStart.set(index(now), start(now));
  }

  /**
   * Counts a call that started at {@code nanos} ({@link TimeSource#nanoTime()}). Lock-free; a call
   * counted while its bucket is being cleared may be lost, which only makes the budget stricter.
   */
  public void recordCall(long nanos) {
    calls[current(nanos)].increment();
  }

  /** Takes a retry from the budget if the window has room; returns whether it may go ahead. */
  public synchronized boolean tryRetry() {
    long now = time.nanoTime();
    int i = current(now);
    long c = 0;
    long r = 0;
    for (int b = 0; b < BUCKETS; b++) {
      long start = bucketStart.get(b);
      if (start != Long.MIN_VALUE && now - start < bucketNanos * BUCKETS) {
        c += calls[b].sum();
        r += retries[b];
      }
    }
    if (r + 1 > ratio * c + minRetries) {
      return false;
    }
    retries[i]++;
    return true;
  }

  private int current(long now) {
    int i = index(now);
    long s = start(now);
    long seen = bucketStart.get(i);
    if (seen != s && seen < s && bucketStart.compareAndSet(i, seen, s)) {
      calls[i].reset();
      synchronized (this) {
        retries[i] = 0;
      }
    }
    return i;
  }

  private int index(long nanos) {
    return (int) Math.floorMod(Math.floorDiv(nanos, bucketNanos), (long) BUCKETS);
  }

  private long start(long nanos) {
    return Math.floorDiv(nanos, bucketNanos) * bucketNanos;
  }
}
