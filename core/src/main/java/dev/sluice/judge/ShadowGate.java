package dev.sluice.judge;

import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.ShadowStats;
import dev.sluice.rollout.StageGate;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.Verdict;
import java.util.Locale;
import java.util.Map;

/**
 * The judge at a shadow stage: the candidate leaves the shadow only when its answers are shown to
 * differ from the served ones no more often than the baseline's own answers differ from each other
 * (the noise), within the plan's {@code shadow_difference_rate} margin (default +20 pp). Different is
 * not worse (a better prompt answers differently), so the shadow never rolls back: a candidate that
 * differs more holds, and a person decides (or the stage's maximum duration does).
 */
final class ShadowGate {

  /** The default margin, in percentage points. */
  static final double DEFAULT_MARGIN_PP = 20;
  /** Judged runs of each kind (candidate and noise) before the shadow can promote. */
  static final int MIN_RUNS = 30;

  private ShadowGate() {}

  static Verdict decide(StageProgress p, double alpha) {
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
    return upper < marginPp / 100
        ? new Verdict(Verdict.Decision.PROMOTE, "shadow answers are shown to differ like the baseline's own: " + detail, evidence)
        : new Verdict(Verdict.Decision.HOLD, "shadow_difference_rate not yet shown within margin: " + detail, evidence);
  }
}
