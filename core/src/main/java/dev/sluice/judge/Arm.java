package dev.sluice.judge;

import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * One arm's observations in a judge window: counts for rates, running moments for continuous
 * metrics, latencies for percentiles, and the same counts and sums per subject group (a hash of
 * the subject into {@link #GROUPS} groups) for variances at the unit of assignment. Not
 * thread-safe: the window locks.
 */
final class Arm {

  /**
   * Subject groups: every call of a subject lands in the same group, so the spread between the
   * groups' totals measures the variance of a mean when calls of a subject are alike (sticky users
   * who always fail, always send long prompts), with bounded memory and amounts that add up across
   * a fleet. 64 groups give the variance estimate 63 degrees of freedom.
   */
  static final int GROUPS = 64;

  long calls;
  /** The rate metrics, in the order of their events in {@link #byGroup} (from 1) and {@link #events}. */
  static final List<String> RATES = List.of("error_rate", "timeout_rate", "parse_failure_rate", "guardrail_block_rate",
      "fallback_rate", "refusal_rate", "tool_call_error_rate");
  /** The events' names in the exchange's amounts, in the order of {@link #RATES}. */
  private static final List<String> EVENT_NAMES = List.of("errors", "timeouts", "parse", "blocks", "fallbacks", "refusals",
      "tool_errors");
  /** Per rate metric, its events: errors, timeouts, parse failures, guardrail blocks, fallbacks, refusals, tool-call errors. */
  private final long[] eventCounts = new long[RATES.size()];
  /** Per group: calls, then each rate metric's events. */
  final long[][] byGroup = new long[1 + RATES.size()][GROUPS];
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

  /**
   * Counts a call of subject group {@code g} and its events: bit {@code i} of {@code events} set
   * when the call counts towards rate metric {@code RATES.get(i)} (see {@link #event}).
   */
  void addCall(int g, int events) {
    calls++;
    byGroup[0][g]++;
    for (int i = 0; events != 0; i++, events >>>= 1) {
      if ((events & 1) != 0) {
        eventCounts[i]++;
        byGroup[i + 1][g]++;
      }
    }
  }

  /** The bit of rate metric {@code metric} in {@link #addCall}'s events. */
  static int event(String metric) {
    int i = RATES.indexOf(metric);
    if (i < 0) {
      throw new IllegalArgumentException("not a rate metric: " + metric);
    }
    return 1 << i;
  }

  /** The count of event {@code e} (1 errors ... as in {@link #byGroup}: {@code RATES.get(e - 1)}'s). */
  long events(int e) {
    return eventCounts[e - 1];
  }

  /**
   * The variance of the rate of event {@code e} (1 errors ... 5 fallbacks): the larger of the
   * binomial variance at the Agresti-Coull rate {@code (x + 2) / (n + 4)} (so that zero or few
   * events never claim certainty) and the between-group variance (so that subjects whose calls
   * fail together count as one unit, not many).
   */
  double rateVariance(int e) {
    double iid = Statistics.rateVariance(events(e), calls);
    long[] events = byGroup[e];
    return Math.max(iid, groupVariance(g -> events[g], byGroup[0]));
  }

  /**
   * The delta-method variance of a ratio of totals {@code Σnum / Σden} from per-group totals
   * (cluster-robust, CR1): {@code G/(G-1) Σ(num_g - m den_g)² / (Σden)²} over the G non-empty
   * groups; 0 with fewer than two.
   */
  static double groupVariance(IntToDoubleFunction num, long[] den) {
    double n = 0;
    double s = 0;
    int groups = 0;
    for (int g = 0; g < GROUPS; g++) {
      n += den[g];
      s += num.applyAsDouble(g);
      groups += den[g] > 0 ? 1 : 0;
    }
    if (groups < 2) {
      return 0;
    }
    double m = s / n;
    double ss = 0;
    for (int g = 0; g < GROUPS; g++) {
      double r = num.applyAsDouble(g) - m * den[g];
      ss += r * r;
    }
    return groups / (groups - 1.0) * ss / (n * n);
  }

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
    for (int e = 0; e < byGroup.length; e++) {
      for (int g = 0; g < GROUPS; g++) {
        put(out, p + "g" + e + "." + g, byGroup[e][g]);
      }
    }
    put(out, p + "calls", calls);
    for (int i = 0; i < eventCounts.length; i++) {
      put(out, p + EVENT_NAMES.get(i), eventCounts[i]);
    }
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
    for (int e = 0; e < byGroup.length; e++) {
      for (int g = 0; g < GROUPS; g++) {
        byGroup[e][g] += count(in, p + "g" + e + "." + g);
      }
    }
    calls += count(in, p + "calls");
    for (int i = 0; i < eventCounts.length; i++) {
      eventCounts[i] += count(in, p + EVENT_NAMES.get(i));
    }
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

  /** Adds another arm's observations to this one. */
  void addAll(Arm o) {
    addCounts(o, 1);
    logLatency.addAll(o.logLatency);
    logFirstChunk.addAll(o.logFirstChunk);
    tokens.addAll(o.tokens);
    cost.addAll(o.cost);
    quality.addAll(o.quality);
  }

  /** Removes an earlier copy of this arm's observations ({@code o} counted no more of anything than this arm), leaving those since. */
  void subtract(Arm o) {
    addCounts(o, -1);
    logLatency.subtract(o.logLatency);
    logFirstChunk.subtract(o.logFirstChunk);
    tokens.subtract(o.tokens);
    cost.subtract(o.cost);
    quality.subtract(o.quality);
  }

  /** Adds (sign 1) or removes (-1) another arm's counts: calls, events, group totals, histogram. */
  private void addCounts(Arm o, int sign) {
    calls += sign * o.calls;
    for (int i = 0; i < eventCounts.length; i++) {
      eventCounts[i] += sign * o.eventCounts[i];
    }
    for (int e = 0; e < byGroup.length; e++) {
      for (int g = 0; g < GROUPS; g++) {
        byGroup[e][g] += sign * o.byGroup[e][g];
      }
    }
    for (int i = 0; i < BUCKETS; i++) {
      histogram[i] += sign * o.histogram[i];
    }
    latencyCount += sign * o.latencyCount;
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

  /** Welford's running mean and variance, and per subject group the count and sum. */
  static final class Moments {
    long n;
    double mean;
    double m2;
    final long[] groupN = new long[GROUPS];
    final double[] groupSum = new double[GROUPS];

    void exportTo(Map<String, Double> out, String p) {
      if (n > 0) {
        out.merge(p + "n", (double) n, Double::sum);
        out.merge(p + "s", mean * n, Double::sum);
        out.merge(p + "q", m2 + mean * mean * n, Double::sum);
        for (int g = 0; g < GROUPS; g++) {
          if (groupN[g] != 0) {
            out.merge(p + "gn" + g, (double) groupN[g], Double::sum);
            out.merge(p + "gs" + g, groupSum[g], Double::sum);
          }
        }
      }
    }

    /** Merges n, sum and sum of squares (Chan's parallel update, from sums). */
    void addFrom(Map<String, Double> in, String p) {
      long nb = count(in, p + "n");
      if (nb <= 0) {
        return;
      }
      for (int g = 0; g < GROUPS; g++) {
        groupN[g] += count(in, p + "gn" + g);
        groupSum[g] += in.getOrDefault(p + "gs" + g, 0.0);
      }
      double meanB = in.getOrDefault(p + "s", 0.0) / nb;
      merge(nb, meanB, Math.max(0, in.getOrDefault(p + "q", 0.0) - meanB * meanB * nb));
    }

    /** Merges another's moments (Chan's parallel update). */
    void addAll(Moments o) {
      for (int g = 0; g < GROUPS; g++) {
        groupN[g] += o.groupN[g];
        groupSum[g] += o.groupSum[g];
      }
      merge(o.n, o.mean, o.m2);
    }

    /** Removes an earlier copy of these moments (Chan's update run backwards), leaving the observations since. */
    void subtract(Moments o) {
      for (int g = 0; g < GROUPS; g++) {
        groupN[g] -= o.groupN[g];
        groupSum[g] -= o.groupSum[g];
      }
      long rest = n - o.n;
      if (rest <= 0) {
        n = 0;
        mean = 0;
        m2 = 0;
        return;
      }
      double restMean = (n * mean - o.n * o.mean) / rest;
      double delta = restMean - o.mean;
      m2 = Math.max(0, m2 - o.m2 - delta * delta * ((double) o.n * rest / n));
      mean = restMean;
      n = rest;
    }

    private void merge(long nb, double meanB, double m2b) {
      if (nb <= 0) {
        return;
      }
      long total = n + nb;
      double delta = meanB - mean;
      mean += delta * nb / total;
      m2 += m2b + delta * delta * ((double) n * nb / total);
      n = total;
    }

    void add(double x, int group) {
      groupN[group]++;
      groupSum[group] += x;
      n++;
      double d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }

    double variance() {
      return n < 2 ? 0 : m2 / (n - 1);
    }

    /**
     * The variance of the mean: the larger of the independent-calls one and the between-group one.
     * {@code floor} is a per-observation variance it is not allowed under (the other arm's, so that
     * a handful of alike observations in a small arm cannot claim precision the large arm does not
     * have).
     */
    double varianceOfMean(double floor) {
      return n < 2 ? 0 : Math.max(Math.max(variance(), floor) / n, groupVariance(g -> groupSum[g], groupN));
    }
  }
}
