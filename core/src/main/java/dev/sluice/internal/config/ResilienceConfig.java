package dev.sluice.internal.config;

import static dev.sluice.internal.ConfigNodes.bool;
import static dev.sluice.internal.ConfigNodes.duration;
import static dev.sluice.internal.ConfigNodes.integer;
import static dev.sluice.internal.ConfigNodes.number;
import static dev.sluice.internal.ConfigNodes.onlyKnown;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.ResiliencePolicy;
import java.util.Set;

/** A {@code resilience} section: the fields of {@link ResiliencePolicy}, each optional, over a base policy. */
public final class ResilienceConfig {

  static final Set<String> FIELDS = Set.of("deadline", "attempt_timeout", "min_attempt_time", "max_attempts", "initial_backoff",
      "backoff_multiplier", "max_backoff", "jitter", "retry_after_cap", "retry_budget_ratio", "retry_budget_window",
      "retry_budget_min_retries", "failure_rate_threshold", "breaker_window", "breaker_minimum_calls", "wait_in_open",
      "slow_call_rate_threshold", "slow_call_duration", "half_open_calls", "max_concurrent", "max_wait", "requests_per_minute",
      "fail_on_truncated_output");

  private ResilienceConfig() {}

  public static ResiliencePolicy read(JsonNode n, ResiliencePolicy base, String path) {
    onlyKnown(n, FIELDS, path, "a resilience policy");
    ResiliencePolicy.Builder b = base.toBuilder();
    if (n.has("deadline")) b.deadline(duration(n, "deadline", path));
    if (n.has("attempt_timeout")) b.attemptTimeout(duration(n, "attempt_timeout", path));
    if (n.has("min_attempt_time")) b.minAttemptTime(duration(n, "min_attempt_time", path));
    if (n.has("max_attempts")) b.maxAttempts(integer(n, "max_attempts", path));
    if (n.has("initial_backoff") || n.has("backoff_multiplier") || n.has("max_backoff") || n.has("jitter")) {
      b.backoff(n.has("initial_backoff") ? duration(n, "initial_backoff", path) : base.initialBackoff(),
          n.has("backoff_multiplier") ? number(n, "backoff_multiplier", path) : base.backoffMultiplier(),
          n.has("max_backoff") ? duration(n, "max_backoff", path) : base.maxBackoff(),
          n.has("jitter") ? number(n, "jitter", path) : base.jitter());
    }
    if (n.has("retry_after_cap")) b.retryAfterCap(duration(n, "retry_after_cap", path));
    if (n.has("retry_budget_ratio") || n.has("retry_budget_window") || n.has("retry_budget_min_retries")) {
      b.retryBudget(n.has("retry_budget_ratio") ? number(n, "retry_budget_ratio", path) : base.retryBudgetRatio(),
          n.has("retry_budget_window") ? duration(n, "retry_budget_window", path) : base.retryBudgetWindow(),
          n.has("retry_budget_min_retries") ? integer(n, "retry_budget_min_retries", path) : base.retryBudgetMinRetries());
    }
    if (n.has("failure_rate_threshold") || n.has("breaker_window") || n.has("wait_in_open")) {
      b.circuitBreaker(n.has("failure_rate_threshold") ? (float) number(n, "failure_rate_threshold", path) : base.failureRateThreshold(),
          n.has("breaker_window") ? integer(n, "breaker_window", path) : base.breakerWindow(),
          n.has("wait_in_open") ? duration(n, "wait_in_open", path) : base.waitInOpen());
    }
    if (n.has("breaker_minimum_calls")) b.breakerMinimumCalls(integer(n, "breaker_minimum_calls", path));
    if (n.has("slow_call_rate_threshold") || n.has("slow_call_duration")) {
      b.slowCalls(n.has("slow_call_rate_threshold") ? (float) number(n, "slow_call_rate_threshold", path) : base.slowCallRateThreshold(),
          n.has("slow_call_duration") ? duration(n, "slow_call_duration", path) : base.slowCallDuration());
    }
    if (n.has("half_open_calls")) b.halfOpenCalls(integer(n, "half_open_calls", path));
    if (n.has("max_concurrent") || n.has("max_wait")) {
      b.bulkhead(n.has("max_concurrent") ? integer(n, "max_concurrent", path) : base.maxConcurrent(),
          n.has("max_wait") ? duration(n, "max_wait", path) : base.maxWait());
    }
    if (n.has("requests_per_minute")) b.requestsPerMinute(integer(n, "requests_per_minute", path));
    if (n.has("fail_on_truncated_output")) b.failOnTruncatedOutput(bool(n, "fail_on_truncated_output", path));
    return b.build();
  }
}
