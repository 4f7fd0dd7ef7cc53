package dev.sluice.judge;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.internal.Checks;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The judge's settings. Defaults: α = 0.05 for rolling back a release whose every metric is within
 * its margin, over all metrics, all stages and all looks of the rollout together; 0.05 for
 * promoting a release one of whose metrics is exactly at its margin (per metric: a release is
 * promoted only when every metric is shown within its margin, so no share of α per metric is
 * needed); at least 200 calls in each arm before any promotion, a look after every 100 candidate
 * calls, and margins for metrics a plan does not name (+0.5 pp for rates, +5 pp calls slower than
 * the baseline's p95, +10% latency and tokens, +5% cost, -0.03 quality). The simulator measures
 * what these give (docs/JUDGE.md).
 *
 * @param alpha the chance of rolling back a release within every margin, for the whole rollout
 * @param promotionAlpha the chance, per metric, of promoting a release whose worsening is exactly its margin
 * @param minCallsPerArm calls in each arm before the judge may promote
 * @param lookEvery candidate calls between looks (besides the schedule)
 * @param defaultMargins margins for metrics the plan does not name
 * @param scorer an optional quality scorer
 * @param scoreSampleRate the share of successful calls scored
 */
public record JudgeConfig(double alpha, double promotionAlpha, long minCallsPerArm, long lookEvery,
    Map<String, Double> defaultMargins, @Nullable QualityScorer scorer, double scoreSampleRate) {

  public static final Map<String, Double> DEFAULT_MARGINS = Map.ofEntries(
      Map.entry("error_rate", 0.5), Map.entry("timeout_rate", 0.5), Map.entry("parse_failure_rate", 0.5),
      Map.entry("guardrail_block_rate", 0.5), Map.entry("fallback_rate", 0.5), Map.entry("refusal_rate", 0.5),
      Map.entry("tool_call_error_rate", 0.5), Map.entry("slow_call_rate", 5.0), Map.entry("latency", 0.10),
      Map.entry("tokens", 0.10), Map.entry("cost", 0.05), Map.entry("quality", 0.03));

  public static final JudgeConfig DEFAULTS = new JudgeConfig(0.05, 0.05, 200, 100, DEFAULT_MARGINS, null, 0);

  public JudgeConfig {
    if (!(alpha > 0 && alpha < 1)) {
      throw new InvalidConfigurationException("judge.alpha", alpha, "a number between 0 and 1, e.g. 0.05");
    }
    if (!(promotionAlpha > 0 && promotionAlpha < 1)) {
      throw new InvalidConfigurationException("judge.promotionAlpha", promotionAlpha, "a number between 0 and 1, e.g. 0.05");
    }
    if (minCallsPerArm < 0) {
      throw new InvalidConfigurationException("judge.minCallsPerArm", minCallsPerArm, "zero or more");
    }
    if (lookEvery < 1) {
      throw new InvalidConfigurationException("judge.lookEvery", lookEvery, "one or more candidate calls");
    }
    Checks.fraction("judge.scoreSampleRate", scoreSampleRate);
    defaultMargins = Map.copyOf(defaultMargins);
  }

  public JudgeConfig withScorer(QualityScorer scorer, double sampleRate) {
    return new JudgeConfig(alpha, promotionAlpha, minCallsPerArm, lookEvery, defaultMargins, scorer, sampleRate);
  }

  public JudgeConfig withMinCallsPerArm(long n) {
    return new JudgeConfig(alpha, promotionAlpha, n, lookEvery, defaultMargins, scorer, scoreSampleRate);
  }

  public JudgeConfig withLookEvery(long n) {
    return new JudgeConfig(alpha, promotionAlpha, minCallsPerArm, n, defaultMargins, scorer, scoreSampleRate);
  }

  public JudgeConfig withAlpha(double rollback, double promotion) {
    return new JudgeConfig(rollback, promotion, minCallsPerArm, lookEvery, defaultMargins, scorer, scoreSampleRate);
  }
}
