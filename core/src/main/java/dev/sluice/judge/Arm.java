package dev.sluice.judge;

/** One arm's observations in a judge window: counts for rates, running moments for continuous metrics, latencies for percentiles. Not thread-safe: the window locks. */
final class Arm {

  long calls;
  long errors;
  long timeouts;
  long parseFailures;
  long guardrailBlocks;
  long fallbacks;
  final Moments logLatency = new Moments();
  /** Log seconds from a streamed call's start to its first chunk; streamed calls only. */
  final Moments logFirstChunk = new Moments();
  final Moments tokens = new Moments();
  final Moments cost = new Moments();
  final Moments quality = new Moments();
  // Latency histogram: log-spaced buckets from 1 ms to 1,000 s, 0.7% wide, so p95 and
  // "slower than" cost O(buckets) at any traffic volume.
  private static final int BUCKETS = 2000;
  private static final double LOG_MIN = Math.log(0.001);
  private static final double LOG_MAX = Math.log(1000);
  private final long[] histogram = new long[BUCKETS];
  private long latencyCount;

  void addLatency(double seconds) {
    histogram[bucket(seconds)]++;
    latencyCount++;
  }

  private static int bucket(double seconds) {
    double x = (Math.log(Math.max(seconds, 1e-9)) - LOG_MIN) / (LOG_MAX - LOG_MIN) * BUCKETS;
    return (int) Math.max(0, Math.min(BUCKETS - 1, Math.floor(x)));
  }

  private static double upperEdge(int bucket) {
    return Math.exp(LOG_MIN + (bucket + 1) * (LOG_MAX - LOG_MIN) / BUCKETS);
  }

  /** The q-quantile of latency in seconds (0 < q < 1, upper edge of its bucket), NaN if none. */
  double latencyQuantile(double q) {
    if (latencyCount == 0) {
      return Double.NaN;
    }
    long target = (long) Math.floor(q * latencyCount);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += histogram[i];
      if (seen > target) {
        return upperEdge(i);
      }
    }
    return upperEdge(BUCKETS - 1);
  }

  /** Latencies in buckets wholly above a threshold. */
  long slowerThan(double seconds) {
    long n = 0;
    for (int i = bucket(seconds) + 1; i < BUCKETS; i++) {
      n += histogram[i];
    }
    return n;
  }

  /** Welford's running mean and variance. */
  static final class Moments {
    long n;
    double mean;
    double m2;

    void add(double x) {
      n++;
      double d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }

    double variance() {
      return n < 2 ? 0 : m2 / (n - 1);
    }
  }
}
