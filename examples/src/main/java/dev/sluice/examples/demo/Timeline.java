package dev.sluice.examples.demo;

import dev.sluice.outcome.Outcome;
import dev.sluice.pipeline.CallListener;
import dev.sluice.pipeline.CallRecord;
import dev.sluice.rollout.RolloutEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the demo saw, bucketed in simulated time, per variant; plus the rollout's events. */
final class Timeline implements CallListener {

  static final Duration BUCKET = Duration.ofMinutes(10);

  /** One variant's calls in one bucket (or overall). */
  static final class Stats {
    long calls;
    long errors;
    long fallbacks;
    long blocks;
    double cost;
    long tokens;
    double[] latencies = new double[64];
    int n;

    void add(CallRecord r) {
      calls++;
      if (r.outcome() == Outcome.ERROR || r.outcome() == Outcome.TIMEOUT) errors++;
      if (r.fallbackKind() != null) fallbacks++;
      if (r.outcome() == Outcome.GUARDRAIL_BLOCKED || "guardrail_blocked".equals(String.valueOf(r.fallbackKind()))) blocks++;
      if (!Double.isNaN(r.costUsd())) cost += r.costUsd();
      tokens += r.tokens();
      if (n == latencies.length) latencies = Arrays.copyOf(latencies, n * 2);
      latencies[n++] = r.latencyNanos() / 1e9;
    }

    double errorRate() {
      return calls == 0 ? Double.NaN : (double) errors / calls;
    }

    double fallbackRate() {
      return calls == 0 ? Double.NaN : (double) fallbacks / calls;
    }

    double costPerCall() {
      return calls == 0 ? Double.NaN : cost / calls;
    }

    double p95() {
      if (n == 0) return Double.NaN;
      double[] c = Arrays.copyOf(latencies, n);
      Arrays.sort(c);
      return c[Math.min(n - 1, (int) Math.floor(0.95 * n))];
    }
  }

  final Instant start;
  final Map<Long, Map<String, Stats>> buckets = new TreeMap<>();
  final Map<String, Stats> totals = new TreeMap<>();
  final Map<String, Long> guardrailBlocks = new TreeMap<>();
  final List<RolloutEvent> events = new ArrayList<>();
  final Map<Long, Double> budgetSpent = new TreeMap<>();
  long calls;

  Timeline(Instant start) {
    this.start = start;
  }

  long bucketOf(Instant at) {
    return Duration.between(start, at).toMillis() / BUCKET.toMillis();
  }

  @Override
  public synchronized void onCall(CallRecord r) {
    calls++;
    buckets.computeIfAbsent(bucketOf(r.at()), b -> new TreeMap<>()).computeIfAbsent(r.variant(), v -> new Stats()).add(r);
    totals.computeIfAbsent(r.variant(), v -> new Stats()).add(r);
    if (r.outcome() == Outcome.GUARDRAIL_BLOCKED || (r.fallbackKind() != null && r.request() != null && r.outcome() == Outcome.FALLBACK
        && r.response() != null && r.response().responseModel().equals("fallback:fixed"))) {
      guardrailBlocks.merge(r.variant(), 1L, Long::sum);
    }
  }

  synchronized void event(RolloutEvent e) {
    events.add(e);
  }

  synchronized void budget(Instant at, double spentUsd) {
    budgetSpent.put(bucketOf(at), spentUsd);
  }

  /** The candidate's share of calls per bucket. */
  synchronized double share(long bucket, String candidate) {
    Map<String, Stats> b = buckets.get(bucket);
    if (b == null) return Double.NaN;
    long all = b.values().stream().mapToLong(s -> s.calls).sum();
    Stats c = b.get(candidate);
    return all == 0 ? Double.NaN : (c == null ? 0 : (double) c.calls / all);
  }
}
