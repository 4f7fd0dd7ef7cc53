package dev.sluice.internal.config;

import static dev.sluice.internal.ConfigNodes.bool;
import static dev.sluice.internal.ConfigNodes.duration;
import static dev.sluice.internal.ConfigNodes.integer;
import static dev.sluice.internal.ConfigNodes.number;
import static dev.sluice.internal.ConfigNodes.onlyKnown;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.resilience.CircuitBreakerPolicy;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.resilience.RetryBudget;
import dev.sluice.resilience.RetryPolicy;
import dev.sluice.resilience.TimeoutPolicy;
import dev.sluice.resilience.VariantResilience;
import java.util.HashSet;
import java.util.Set;

/**
 * A {@code resilience} section. On a route: every field, each optional, over a base policy; on a
 * variant: only the per-variant fields, over the route's, since the deadline and the retries are
 * the call's.
 */
public final class ResilienceConfig {

  /** The fields a variant may set: its timeout, breaker, bulkhead, rate limit and output validation. */
  static final Set<String> VARIANT_FIELDS = Set.of("attempt_timeout", "first_chunk_timeout", "idle_timeout", "failure_rate_threshold", "breaker_window",
      "breaker_minimum_calls", "wait_in_open", "slow_call_rate_threshold", "slow_call_duration", "half_open_calls",
      "max_concurrent", "max_wait", "requests_per_minute", "fail_on_truncated_output");

  /** The fields of the call: deadline, retries, retry budget. */
  static final Set<String> CALL_FIELDS = Set.of("deadline", "min_attempt_time", "max_attempts", "initial_backoff",
      "backoff_multiplier", "max_backoff", "jitter", "retry_after_cap", "retry_budget_ratio", "retry_budget_window",
      "retry_budget_min_retries");

  static final Set<String> FIELDS = union(CALL_FIELDS, VARIANT_FIELDS);

  private ResilienceConfig() {}

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  /** A route's section over {@code base}. */
  public static ResiliencePolicy read(JsonNode n, ResiliencePolicy base, String path) {
    onlyKnown(n, FIELDS, path, "a resilience policy");
    return apply(n, base, path);
  }

  /** A variant's section over the route's per-variant policies. */
  public static VariantResilience readVariant(JsonNode n, VariantResilience base, String path) {
    onlyKnown(n, VARIANT_FIELDS, path, "a variant's resilience policy (deadline, retries and the retry budget are the call's: set them on the route)");
    return apply(n, ResiliencePolicy.builder().variants(base).build(), path).variants();
  }

  /** Each field present in {@code n} through the builder's shortcut for it; the rest as in {@code base}. */
  private static ResiliencePolicy apply(JsonNode n, ResiliencePolicy base, String path) {
    ResiliencePolicy.Builder b = base.toBuilder();
    RetryPolicy retry = base.retry();
    RetryBudget budget = base.retryBudget();
    VariantResilience v = base.variants();
    CircuitBreakerPolicy cb = v.circuitBreaker();
    if (n.has("deadline")) b.deadline(duration(n, "deadline", path));
    if (n.has("attempt_timeout")) b.attemptTimeout(duration(n, "attempt_timeout", path));
    if (n.has("first_chunk_timeout") || n.has("idle_timeout")) {
      TimeoutPolicy t = base.variants().timeout();
      b.streamTimeouts(n.has("first_chunk_timeout") ? duration(n, "first_chunk_timeout", path) : t.firstChunk(),
          n.has("idle_timeout") ? duration(n, "idle_timeout", path) : t.idleBetweenChunks());
    }
    if (n.has("min_attempt_time")) b.minAttemptTime(duration(n, "min_attempt_time", path));
    if (n.has("max_attempts")) b.maxAttempts(integer(n, "max_attempts", path));
    if (n.has("initial_backoff") || n.has("backoff_multiplier") || n.has("max_backoff") || n.has("jitter")) {
      b.backoff(n.has("initial_backoff") ? duration(n, "initial_backoff", path) : retry.initialBackoff(),
          n.has("backoff_multiplier") ? number(n, "backoff_multiplier", path) : retry.backoffMultiplier(),
          n.has("max_backoff") ? duration(n, "max_backoff", path) : retry.maxBackoff(),
          n.has("jitter") ? number(n, "jitter", path) : retry.jitter());
    }
    if (n.has("retry_after_cap")) b.retryAfterCap(duration(n, "retry_after_cap", path));
    if (n.has("retry_budget_ratio") || n.has("retry_budget_window") || n.has("retry_budget_min_retries")) {
      b.retryBudget(n.has("retry_budget_ratio") ? number(n, "retry_budget_ratio", path) : budget.ratio(),
          n.has("retry_budget_window") ? duration(n, "retry_budget_window", path) : budget.window(),
          n.has("retry_budget_min_retries") ? integer(n, "retry_budget_min_retries", path) : budget.minRetries());
    }
    if (n.has("failure_rate_threshold") || n.has("breaker_window") || n.has("wait_in_open")) {
      b.circuitBreaker(n.has("failure_rate_threshold") ? (float) number(n, "failure_rate_threshold", path) : cb.failureRateThreshold(),
          n.has("breaker_window") ? integer(n, "breaker_window", path) : cb.window(),
          n.has("wait_in_open") ? duration(n, "wait_in_open", path) : cb.waitInOpen());
    }
    if (n.has("breaker_minimum_calls")) b.breakerMinimumCalls(integer(n, "breaker_minimum_calls", path));
    if (n.has("slow_call_rate_threshold") || n.has("slow_call_duration")) {
      b.slowCalls(n.has("slow_call_rate_threshold") ? (float) number(n, "slow_call_rate_threshold", path) : cb.slowCallRateThreshold(),
          n.has("slow_call_duration") ? duration(n, "slow_call_duration", path) : v.slowCallDuration());
    }
    if (n.has("half_open_calls")) b.halfOpenCalls(integer(n, "half_open_calls", path));
    if (n.has("max_concurrent") || n.has("max_wait")) {
      b.bulkhead(n.has("max_concurrent") ? integer(n, "max_concurrent", path) : v.bulkhead().maxConcurrent(),
          n.has("max_wait") ? duration(n, "max_wait", path) : v.bulkhead().maxWait());
    }
    if (n.has("requests_per_minute")) b.requestsPerMinute(integer(n, "requests_per_minute", path));
    if (n.has("fail_on_truncated_output")) b.failOnTruncatedOutput(bool(n, "fail_on_truncated_output", path));
    return b.build();
  }
}
