package dev.sluice.judge;

import java.util.Map;

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

  /**
   * Adds this arm's observations to {@code out} as amounts that add up across instances (an
   * {@link EvidenceExchange}'s form), each name prefixed by {@code p}: counts, each moment's n, sum
   * and sum of squares, and the non-empty histogram buckets.
   */
  void exportTo(Map<String, Double> out, String p) {
    put(out, p + "calls", calls);
    put(out, p + "errors", errors);
    put(out, p + "timeouts", timeouts);
    put(out, p + "parse", parseFailures);
    put(out, p + "blocks", guardrailBlocks);
    put(out, p + "fallbacks", fallbacks);
    logLatency.exportTo(out, p + "lat.");
    logFirstChunk.exportTo(out, p + "ttfc.");
    tokens.exportTo(out, p + "tok.");
    cost.exportTo(out, p + "cost.");
    quality.exportTo(out, p + "q.");
    for (int i = 0; i < BUCKETS; i++) {
      put(out, p + "h" + i, histogram[i]);
    }
  }

  /** Adds amounts written by {@link #exportTo} (summed over instances) to this arm. */
  void addFrom(Map<String, Double> in, String p) {
    calls += count(in, p + "calls");
    errors += count(in, p + "errors");
    timeouts += count(in, p + "timeouts");
    parseFailures += count(in, p + "parse");
    guardrailBlocks += count(in, p + "blocks");
    fallbacks += count(in, p + "fallbacks");
    logLatency.addFrom(in, p + "lat.");
    logFirstChunk.addFrom(in, p + "ttfc.");
    tokens.addFrom(in, p + "tok.");
    cost.addFrom(in, p + "cost.");
    quality.addFrom(in, p + "q.");
    String bucket = p + "h";
    for (Map.Entry<String, Double> e : in.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(bucket) && k.length() > bucket.length() && Character.isDigit(k.charAt(bucket.length()))) {
        int i = Integer.parseInt(k, bucket.length(), k.length(), 10);
        if (i >= 0 && i < BUCKETS) {
          long n = Math.round(e.getValue());
          histogram[i] += n;
          latencyCount += n;
        }
      }
    }
  }

  private static void put(Map<String, Double> out, String name, long n) {
    if (n != 0) {
      out.merge(name, (double) n, Double::sum);
    }
  }

  private static long count(Map<String, Double> in, String name) {
    Double v = in.get(name);
    return v == null ? 0 : Math.round(v);
  }

  /** Welford's running mean and variance. */
  static final class Moments {
    long n;
    double mean;
    double m2;

    void exportTo(Map<String, Double> out, String p) {
      if (n > 0) {
        out.merge(p + "n", (double) n, Double::sum);
        out.merge(p + "s", mean * n, Double::sum);
        out.merge(p + "q", m2 + mean * mean * n, Double::sum);
      }
    }

    /** Merges n, sum and sum of squares (Chan's parallel update, from sums). */
    void addFrom(Map<String, Double> in, String p) {
      long nb = count(in, p + "n");
      if (nb <= 0) {
        return;
      }
      double meanB = in.getOrDefault(p + "s", 0.0) / nb;
      double m2b = Math.max(0, in.getOrDefault(p + "q", 0.0) - meanB * meanB * nb);
      long total = n + nb;
      double delta = meanB - mean;
      mean += delta * nb / total;
      m2 += m2b + delta * delta * ((double) n * nb / total);
      n = total;
    }

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
