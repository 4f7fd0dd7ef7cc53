package dev.sluice.judge;

import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.ShadowStats;
import dev.sluice.rollout.StageGate;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.Verdict;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The judge at a shadow stage: the candidate leaves the shadow only when its answers are shown to
 * differ from the served ones no more often than the baseline's own answers differ from each other
 * (the noise), within the plan's {@code shadow_difference_rate} margin (default +20 pp), and its
 * shadow calls are shown within the {@code latency} margin of the noise runs' (both shadow calls,
 * made the same way) and within the {@code cost} margin of the answers served for the same requests.
 * Different is not worse (a better prompt answers differently): a candidate that differs more holds,
 * and a person decides (or the stage's maximum duration does). Slower or dearer is worse: shown
 * beyond its margin (the lower bound, at the rollback's α shared by the two), it rolls back.
 */
final class ShadowGate {

  /** The default margin, in percentage points. */
  static final double DEFAULT_MARGIN_PP = 20;
  /** Judged runs of each kind (candidate and noise) before the shadow can promote. */
  static final int MIN_RUNS = 30;

  private ShadowGate() {}

  /**
   * The shadow stage's verdict: promotion at {@code alpha} per metric; a rollback when the shadow
   * calls are shown slower or dearer than their margin, at {@code rollbackAlpha} shared by the two.
   */
  static Verdict decide(StageProgress p, double alpha, double rollbackAlpha, Map<String, Double> margins) {
    ShadowStats s = p.shadow();
    if (s == null || !p.exposureMet()) {
      return StageGate.EXPOSURE.decide(p);
    }
    double marginPp = DEFAULT_MARGIN_PP;
    for (MetricMargin m : p.plan().margins()) {
      if (m.metric().equals("shadow_difference_rate")) {
        marginPp = m.margin();
      }
    }
    long nc = s.candidateRunsJudged();
    long nn = s.noiseRunsJudged();
    // Slower or dearer is worse (different is not): shown beyond its margin, it rolls back.
    Double latencyMargin = margins.get("latency");
    Double costMargin = margins.get("cost");
    Verdict latency = latencyMargin == null ? null : latency(s, latencyMargin, alpha, rollbackAlpha / 2);
    Verdict cost = costMargin == null ? null : cost(s, costMargin, alpha, rollbackAlpha / 2);
    for (Verdict v : new Verdict[] {latency, cost}) {
      if (v != null && v.decision() == Verdict.Decision.ROLLBACK) {
        return v;
      }
    }
    if (nc < MIN_RUNS || nn < MIN_RUNS) {
      return Verdict.hold("waiting for " + MIN_RUNS + " shadow runs and " + MIN_RUNS + " noise runs judged against the noise floor: "
          + nc + " and " + nn);
    }
    long xc = s.differences();
    long xn = s.noiseDifferences();
    double estimate = (double) xc / nc - (double) xn / nn;
    double se = Math.sqrt(Statistics.rateVariance(xc, nc) + Statistics.rateVariance(xn, nn));
    double upper = estimate + Statistics.radius(se, marginPp / 100, alpha);
    String detail = String.format(Locale.ROOT, "candidate answers differ %.1f%% of %,d runs, the baseline's own %.1f%% of %,d; "
        + "difference %+.1f pp (upper bound %+.1f) vs margin %.1f pp", 100.0 * xc / nc, nc, 100.0 * xn / nn, nn, 100 * estimate,
        100 * upper, marginPp);
    Map<String, Object> evidence = Map.of("metric", "shadow_difference_rate", "estimate", 100 * estimate, "upper_bound", 100 * upper,
        "margin", marginPp);
    if (!(upper < marginPp / 100)) {
      return new Verdict(Verdict.Decision.HOLD, "shadow_difference_rate not yet shown within margin: " + detail, evidence);
    }
    if (latency != null) {
      return latency;
    }
    if (cost != null) {
      return cost;
    }
    return new Verdict(Verdict.Decision.PROMOTE, "shadow answers are shown to differ like the baseline's own"
        + (latencyMargin != null || costMargin != null ? ", at a latency and cost within their margins" : "") + ": " + detail, evidence);
  }

  /**
   * A rollback when the candidate's shadow calls are shown slower than the noise runs' by more than
   * the margin, a hold unless they are shown within it; else null.
   */
  private static @Nullable Verdict latency(ShadowStats s, double margin, double alpha, double rollbackAlpha) {
    double[] c = s.logLatency(false);
    double[] n = s.logLatency(true);
    if (c[0] < MIN_RUNS || n[0] < MIN_RUNS) {
      return Verdict.hold(String.format(Locale.ROOT, "waiting for %d timed shadow runs and %d noise runs: %.0f and %.0f", MIN_RUNS,
          MIN_RUNS, c[0], n[0]));
    }
    double mc = c[1] / c[0];
    double mn = n[1] / n[0];
    // Each side's spread is at least the other's, as at the live stages.
    double vc = Math.max(0, c[2] / c[0] - mc * mc);
    double vn = Math.max(0, n[2] / n[0] - mn * mn);
    double spread = Math.max(vc, vn);
    Comparison comparison = new Comparison("shadow latency", mc - mn, Math.sqrt(spread / c[0] + spread / n[0]), Math.log1p(margin),
        Comparison.Scale.LOG_RATIO, String.format(Locale.ROOT, "candidate %.0f ms vs baseline %.0f ms (geometric means of %,.0f and "
        + "%,.0f shadow runs)", 1000 * Math.exp(mc), 1000 * Math.exp(mn), c[0], n[0]), true);
    return verdict(comparison, alpha, rollbackAlpha);
  }

  /**
   * A hold unless the candidate's shadow calls are shown to cost no more than the margin above the
   * answers served for the same requests (a ratio of totals, its delta-method variance); else null.
   * A cost that is not known cannot be shown within its margin.
   */
  private static @Nullable Verdict cost(ShadowStats s, double margin, double alpha, double rollbackAlpha) {
    double[] p = s.costPairs();
    double n = p[0];
    if (n < MIN_RUNS) {
      return Verdict.hold(String.format(Locale.ROOT, "waiting for %d shadow runs with a known cost: %.0f (%,d of unknown cost: is there "
          + "a price for both models?)", MIN_RUNS, n, s.unknownCost()));
    }
    double ratio = p[2] > 0 ? p[1] / p[2] : Double.POSITIVE_INFINITY;
    double servedMean = p[2] / n;
    double residuals = Math.max(0, p[3] - 2 * ratio * p[5] + ratio * ratio * p[4]);
    double se = Math.sqrt(residuals / (n * (n - 1))) / servedMean;
    Comparison comparison = new Comparison("shadow cost", ratio - 1, se, margin, Comparison.Scale.RELATIVE, String.format(Locale.ROOT,
        "candidate $%.6f vs served $%.6f per call over %,.0f paired shadow runs", p[1] / n, servedMean, n), true);
    return verdict(comparison, alpha, rollbackAlpha);
  }

  /** Null when the upper bound is within the margin; a rollback when the lower bound is beyond it; a hold otherwise. */
  private static @Nullable Verdict verdict(Comparison c, double alpha, double rollbackAlpha) {
    double upper = c.upper(alpha);
    if (upper < c.margin()) {
      return null;
    }
    double lower = c.lower(rollbackAlpha);
    Map<String, Object> evidence = c.evidence(rollbackAlpha, alpha);
    return lower > c.margin()
        ? new Verdict(Verdict.Decision.ROLLBACK, c.describe("regression", lower, "lower bound"), evidence)
        : new Verdict(Verdict.Decision.HOLD, c.describe("not yet shown within margin", upper, "upper bound"), evidence);
  }
}
