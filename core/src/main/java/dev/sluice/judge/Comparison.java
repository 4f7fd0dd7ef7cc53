package dev.sluice.judge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One metric's worsening (candidate against baseline) over the rollout's live stages so far, in
 * the units it is tested in: each stage compares its two arms on the same concurrent traffic, and
 * the stages' differences are pooled by inverse variance, so the evidence of earlier stages is
 * carried forward without comparing calls of one stage with calls of another.
 *
 * @param metric the metric
 * @param estimate the pooled worsening (positive is worse): a rate's difference as a fraction, log
 *     latency's difference, tokens' and cost's relative difference, quality's decrease
 * @param se its standard error (infinite when no stage could say anything)
 * @param margin the margin in the same units
 * @param scale how the numbers are shown to a person
 * @param detail the arms' values, for the verdict's reason
 * @param informative whether any event or observation was seen: metrics without are left out of
 *     the rollback test's share of α
 */
record Comparison(String metric, double estimate, double se, double margin, Scale scale, String detail, boolean informative) {

  /** How a tested quantity is shown: rates in percentage points, ratios as percent changes. */
  enum Scale {
    PERCENTAGE_POINTS, LOG_RATIO, RELATIVE, PLAIN;

    double show(double x) {
      return switch (this) {
        case PERCENTAGE_POINTS, RELATIVE -> 100 * x;
        case LOG_RATIO -> 100 * Math.expm1(x);
        case PLAIN -> x;
      };
    }

    String unit() {
      return switch (this) {
        case PERCENTAGE_POINTS -> " pp";
        case LOG_RATIO, RELATIVE -> "%";
        case PLAIN -> "";
      };
    }
  }

  /** Compares every metric that has a margin over {@code windows} (the rollout's live stages, oldest first). */
  static List<Comparison> of(List<StageWindow> windows, Map<String, Double> margins) {
    List<Comparison> out = new ArrayList<>();
    for (Map.Entry<String, Double> m : margins.entrySet()) {
      Comparison c = of(m.getKey(), m.getValue(), windows);
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  private static @Nullable Comparison of(String metric, double margin, List<StageWindow> windows) {
    Pool pool = new Pool();
    int rate = Arm.RATES.indexOf(metric);
    for (StageWindow w : windows) {
      Arm c = w.cand;
      Arm b = w.base;
      if (rate >= 0) {
        pool.rate(c, b, rate + 1);
      } else {
        switch (metric) {
          case "slow_call_rate" -> pool.slow(c, b);
          case "latency" -> pool.mean(c.logLatency, b.logLatency, false, true);
          case "time_to_first_chunk" -> pool.mean(c.logFirstChunk, b.logFirstChunk, false, true);
          case "tokens" -> pool.mean(c.tokens, b.tokens, true, true);
          case "cost" -> pool.mean(c.cost, b.cost, true, true);
          case "quality" -> pool.mean(c.quality, b.quality, false, false);
          default -> {
            return null;
          }
        }
      }
    }
    Scale scale = rate >= 0 || metric.equals("slow_call_rate") ? Scale.PERCENTAGE_POINTS
        : metric.equals("latency") || metric.equals("time_to_first_chunk") ? Scale.LOG_RATIO
        : metric.equals("tokens") || metric.equals("cost") ? Scale.RELATIVE : Scale.PLAIN;
    double tested = switch (scale) {
      case PERCENTAGE_POINTS -> margin / 100;
      case LOG_RATIO -> Math.log1p(margin);
      case RELATIVE, PLAIN -> margin;
    };
    if (pool.weight == 0) {
      return new Comparison(metric, 0, Double.POSITIVE_INFINITY, tested, scale, "too few observations", false);
    }
    String detail = scale == Scale.PERCENTAGE_POINTS
        ? String.format(Locale.ROOT, "candidate %.2f%% vs baseline %.2f%% over %,d and %,d calls", 100 * pool.cand / pool.candN,
            100 * pool.base / pool.baseN, (long) pool.candN, (long) pool.baseN)
        : scale == Scale.LOG_RATIO
        ? String.format(Locale.ROOT, "candidate %.0f ms vs baseline %.0f ms (geometric means) over %,d and %,d calls",
            1000 * Math.exp(pool.cand / pool.candN), 1000 * Math.exp(pool.base / pool.baseN), (long) pool.candN, (long) pool.baseN)
        : String.format(Locale.ROOT, "candidate mean %.4g vs baseline %.4g over %,d and %,d observations", pool.cand / pool.candN,
            pool.base / pool.baseN, (long) pool.candN, (long) pool.baseN);
    return new Comparison(metric, pool.sum / pool.weight, Math.sqrt(1 / pool.weight), tested, scale, detail, pool.events);
  }

  /**
   * How much wider than the margin the second confidence sequence of the lower bound is tuned for:
   * one tuned for the margin alone is slow to show a large regression at small counts.
   */
  static final double WIDE = 8;

  /**
   * The lower bound at level α: the larger of two confidence sequences at α/2 each, one tuned to be
   * tightest where its radius is the margin (regressions just beyond it), one where it is
   * {@link #WIDE} times the margin (large regressions, shown within a few hundred calls).
   */
  double lower(double alpha) {
    return Math.max(estimate - Statistics.radius(se, margin, alpha / 2), estimate - Statistics.radius(se, WIDE * margin, alpha / 2));
  }

  /** The upper bound at level α, tuned where its radius is the margin. */
  double upper(double alpha) {
    return estimate + Statistics.radius(se, margin, alpha);
  }

  String describe(String what, double bound, String boundName) {
    String u = scale.unit();
    return String.format(Locale.ROOT, "%s %s: worsening %+.3g%s (%s %+.3g%s) vs margin %.3g%s; %s", metric, what, scale.show(estimate),
        u, boundName, scale.show(bound), u, scale.show(margin), u, detail);
  }

  Map<String, Object> evidence(double lowerAlpha, double upperAlpha) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("metric", metric);
    e.put("estimate", scale.show(estimate));
    e.put("lower_bound", scale.show(lower(lowerAlpha)));
    e.put("upper_bound", scale.show(upper(upperAlpha)));
    e.put("margin", scale.show(margin));
    return e;
  }

  /**
   * Observations each arm needs at a stage before a mean or a share of slow calls is compared there:
   * a variance estimated from fewer is not one a normal bound can rely on.
   */
  static final int MIN_OBSERVATIONS = 30;

  /** Inverse-variance pooling of per-stage differences, and the arms' totals for the reason. */
  private static final class Pool {
    double sum;
    double weight;
    boolean events;
    double cand;
    double candN;
    double base;
    double baseN;

    void add(double worsening, double variance) {
      double w = 1 / Math.max(variance, 1e-30);
      sum += w * worsening;
      weight += w;
    }

    void rate(Arm c, Arm b, int e) {
      if (c.calls == 0 || b.calls == 0) {
        return;
      }
      long xc = c.events(e);
      long xb = b.events(e);
      events |= xc + xb > 0;
      totals(xc, c.calls, xb, b.calls);
      add((double) xc / c.calls - (double) xb / b.calls, c.rateVariance(e) + b.rateVariance(e));
    }

    /**
     * The share of calls slower than the stage's baseline p95, its variance inflated by the design
     * effect of the subjects' grouping measured on log latency.
     */
    void slow(Arm c, Arm b) {
      double p95 = b.latencyQuantile(0.95);
      if (Double.isNaN(p95) || c.logLatency.n < MIN_OBSERVATIONS || b.logLatency.n < MIN_OBSERVATIONS) {
        return;
      }
      long xc = c.slowerThan(p95);
      long xb = b.slowerThan(p95);
      long nc = c.logLatency.n;
      long nb = b.logLatency.n;
      events = true;
      totals(xc, nc, xb, nb);
      add((double) xc / nc - (double) xb / nb,
          Statistics.rateVariance(xc, nc) * designEffect(c.logLatency) + Statistics.rateVariance(xb, nb) * designEffect(b.logLatency));
    }

    void mean(Arm.Moments c, Arm.Moments b, boolean relative, boolean higherIsWorse) {
      if (c.n < MIN_OBSERVATIONS || b.n < MIN_OBSERVATIONS) {
        return;
      }
      events = true;
      totals(c.mean * c.n, c.n, b.mean * b.n, b.n);
      // Each arm's spread is at least the other's: the variance of a few alike observations is no evidence.
      double vc = c.varianceOfMean(b.variance());
      double vb = b.varianceOfMean(c.variance());
      double d;
      double v;
      if (relative) {
        double scale = Math.max(1e-12, Math.abs(b.mean));
        double ratio = c.mean / scale;
        d = ratio - 1;
        v = (vc + ratio * ratio * vb) / (scale * scale); // delta method
      } else {
        d = c.mean - b.mean;
        v = vc + vb;
      }
      add(higherIsWorse ? d : -d, v);
    }

    private void totals(double xc, double nc, double xb, double nb) {
      cand += xc;
      candN += nc;
      base += xb;
      baseN += nb;
    }

    private static double designEffect(Arm.Moments m) {
      double iid = m.variance() / m.n;
      return iid > 0 ? Math.max(1, m.varianceOfMean(0) / iid) : 1;
    }
  }
}
