package dev.sluice.internal.resilience;

import dev.sluice.time.TimeSource;
import java.time.Duration;

/**
 * Caps retries to a share of calls over a sliding window (ten buckets), plus a floor of retries
 * per window so a quiet route can still retry. In an outage every call fails; without a budget each
 * would retry {@code maxAttempts - 1} times and multiply the load on a provider that is already
 * down (Finagle's and gRPC's retry budgets work the same way). Thread-safe.
 */
public final class RetryBudget {

  private static final int BUCKETS = 10;

  private final TimeSource time;
  private final double ratio;
  private final int minRetries;
  private final long bucketNanos;
  private final long[] calls = new long[BUCKETS];
  private final long[] retries = new long[BUCKETS];
  private final long[] bucketStart = new long[BUCKETS];

  public RetryBudget(TimeSource time, double ratio, Duration window, int minRetries) {
    this.time = time;
    this.ratio = ratio;
    this.minRetries = minRetries;
    this.bucketNanos = Math.max(1, window.toNanos() / BUCKETS);
    long now = time.nanoTime();
    for (int i = 0; i < BUCKETS; i++) {
      bucketStart[i] = Long.MIN_VALUE;
    }
    bucketStart[index(now)] = start(now);
  }

  /** Counts a call. */
  public synchronized void recordCall() {
    calls[current()]++;
  }

  /** Takes a retry from the budget if the window has room; returns whether it may go ahead. */
  public synchronized boolean tryRetry() {
    int i = current();
    long c = 0;
    long r = 0;
    long now = time.nanoTime();
    for (int b = 0; b < BUCKETS; b++) {
      if (bucketStart[b] != Long.MIN_VALUE && now - bucketStart[b] < bucketNanos * BUCKETS) {
        c += calls[b];
        r += retries[b];
      }
    }
    if (r + 1 > ratio * c + minRetries) {
      return false;
    }
    retries[i]++;
    return true;
  }

  private int current() {
    long now = time.nanoTime();
    int i = index(now);
    long s = start(now);
    if (bucketStart[i] != s) {
      bucketStart[i] = s;
      calls[i] = 0;
      retries[i] = 0;
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
