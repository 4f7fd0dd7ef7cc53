package dev.sluice.judge;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.internal.Checks;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The judge's settings. Defaults: α = 0.05 over all metrics together (e-values are conservative:
 * the simulator measures under 1% false rollbacks per rollout at this level, see docs/JUDGE.md),
 * Beta prior strength 100, mixing tuned for 1,000 observations, at least 200 calls in each arm
 * before any promotion, a look after every 100 candidate calls, and the design's default margins for metrics a plan does
 * not name (+0.5 pp for rates, +2 pp slow calls, +10% latency and tokens, +5% cost, -0.03 quality).
 *
 * @param alpha the error rate for all metrics together
 * @param priorStrength strength of the Beta prior of the rate e-value
 * @param n0 observations at which the mean test is tightest
 * @param minCallsPerArm calls in each arm before the judge may promote
 * @param lookEvery candidate calls between looks (besides the schedule)
 * @param defaultMargins margins for metrics the plan does not name
 * @param scorer an optional quality scorer
 * @param scoreSampleRate the share of successful calls scored
 */
public record JudgeConfig(double alpha, double priorStrength, double n0, long minCallsPerArm, long lookEvery,
    Map<String, Double> defaultMargins, @Nullable QualityScorer scorer, double scoreSampleRate) {

  public static final Map<String, Double> DEFAULT_MARGINS = Map.of(
      "error_rate", 0.5, "timeout_rate", 0.5, "parse_failure_rate", 0.5, "guardrail_block_rate", 0.5,
      "fallback_rate", 0.5, "slow_call_rate", 2.0, "latency", 0.10, "tokens", 0.10, "cost", 0.05, "quality", 0.03);

  public static final JudgeConfig DEFAULTS = new JudgeConfig(0.05, 100, 1000, 200, 100, DEFAULT_MARGINS, null, 0);

  public JudgeConfig {
    if (!(alpha > 0 && alpha < 1)) {
      throw new InvalidConfigurationException("judge.alpha", alpha, "a number between 0 and 1, e.g. 0.01");
    }
    if (!(priorStrength > 0) || !(n0 > 0)) {
      throw new InvalidConfigurationException("judge.priorStrength/n0", priorStrength + "/" + n0, "positive numbers");
    }
    Checks.fraction("judge.scoreSampleRate", scoreSampleRate);
    defaultMargins = Map.copyOf(defaultMargins);
  }

  public JudgeConfig withScorer(QualityScorer scorer, double sampleRate) {
    return new JudgeConfig(alpha, priorStrength, n0, minCallsPerArm, lookEvery, defaultMargins, scorer, sampleRate);
  }

  public JudgeConfig withMinCallsPerArm(long n) {
    return new JudgeConfig(alpha, priorStrength, n0, n, lookEvery, defaultMargins, scorer, scoreSampleRate);
  }

  public JudgeConfig withLookEvery(long n) {
    return new JudgeConfig(alpha, priorStrength, n0, minCallsPerArm, n, defaultMargins, scorer, scoreSampleRate);
  }
}
