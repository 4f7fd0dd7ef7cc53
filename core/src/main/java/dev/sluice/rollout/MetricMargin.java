package dev.sluice.rollout;

import dev.sluice.outcome.InvalidConfigurationException;
import java.util.Set;

/**
 * How much worse the candidate may be on one metric before it counts as a regression.
 * Rates are in absolute percentage points ({@code error_rate 0.5} = +0.5 pp); latency, tokens and
 * cost are relative ({@code latency 0.10} = +10%; {@code time_to_first_chunk}, of streamed calls,
 * the same); quality is absolute score ({@code quality 0.03}); {@code shadow_difference_rate} is in
 * percentage points: how many more of the candidate's shadow answers may differ from the served
 * answer than the baseline's own answers differ from each other (the shadow stage's gate).
 *
 * @param metric one of {@link #METRICS}
 * @param margin the allowed worsening, positive
 */
public record MetricMargin(String metric, double margin) {

  public static final Set<String> METRICS = Set.of("error_rate", "timeout_rate", "parse_failure_rate",
      "guardrail_block_rate", "fallback_rate", "refusal_rate", "tool_call_error_rate", "slow_call_rate", "latency",
      "time_to_first_chunk", "tokens", "cost", "quality", "shadow_difference_rate");

  public MetricMargin {
    if (!METRICS.contains(metric)) {
      throw new InvalidConfigurationException("metrics.metric", metric, "one of " + new java.util.TreeSet<>(METRICS));
    }
    if (!(margin > 0) || Double.isInfinite(margin)) {
      throw new InvalidConfigurationException("metrics[" + metric + "].margin", margin, "a positive number");
    }
  }
}
