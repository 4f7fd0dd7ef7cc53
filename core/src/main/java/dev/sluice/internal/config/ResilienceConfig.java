package dev.sluice.internal.config;

import static dev.sluice.internal.ConfigNodes.bool;
import static dev.sluice.internal.ConfigNodes.duration;
import static dev.sluice.internal.ConfigNodes.integer;
import static dev.sluice.internal.ConfigNodes.number;
import static dev.sluice.internal.ConfigNodes.onlyKnown;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.resilience.BulkheadPolicy;
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
  static final Set<String> VARIANT_FIELDS = Set.of("attempt_timeout", "failure_rate_threshold", "breaker_window",
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
    ResiliencePolicy.Builder b = base.toBuilder();
    if (n.has("deadline")) b.deadline(duration(n, "deadline", path));
    b.retry(retry(n, base.retry(), path));
    b.retryBudget(retryBudget(n, base.retryBudget(), path));
    b.variants(variant(n, base.variants(), path));
    return b.build();
  }

  /** A variant's section over the route's per-variant policies. */
  public static VariantResilience readVariant(JsonNode n, VariantResilience base, String path) {
    onlyKnown(n, VARIANT_FIELDS, path, "a variant's resilience policy (deadline, retries and the retry budget are the call's: set them on the route)");
    return variant(n, base, path);
  }

  private static RetryPolicy retry(JsonNode n, RetryPolicy base, String path) {
    RetryPolicy r = base;
    if (n.has("min_attempt_time")) r = r.withMinAttemptTime(duration(n, "min_attempt_time", path));
    if (n.has("max_attempts")) r = r.withMaxAttempts(integer(n, "max_attempts", path));
    if (n.has("initial_backoff") || n.has("backoff_multiplier") || n.has("max_backoff") || n.has("jitter")) {
      r = r.withBackoff(n.has("initial_backoff") ? duration(n, "initial_backoff", path) : base.initialBackoff(),
          n.has("backoff_multiplier") ? number(n, "backoff_multiplier", path) : base.backoffMultiplier(),
          n.has("max_backoff") ? duration(n, "max_backoff", path) : base.maxBackoff(),
          n.has("jitter") ? number(n, "jitter", path) : base.jitter());
    }
    if (n.has("retry_after_cap")) r = r.withRetryAfterCap(duration(n, "retry_after_cap", path));
    return r;
  }

  private static RetryBudget retryBudget(JsonNode n, RetryBudget base, String path) {
    if (!n.has("retry_budget_ratio") && !n.has("retry_budget_window") && !n.has("retry_budget_min_retries")) {
      return base;
    }
    return RetryBudget.of(n.has("retry_budget_ratio") ? number(n, "retry_budget_ratio", path) : base.ratio(),
        n.has("retry_budget_window") ? duration(n, "retry_budget_window", path) : base.window(),
        n.has("retry_budget_min_retries") ? integer(n, "retry_budget_min_retries", path) : base.minRetries());
  }

  private static VariantResilience variant(JsonNode n, VariantResilience base, String path) {
    VariantResilience v = base;
    if (n.has("attempt_timeout")) v = v.withTimeout(TimeoutPolicy.ofAttempt(duration(n, "attempt_timeout", path)));
    CircuitBreakerPolicy cb = base.circuitBreaker();
    if (n.has("failure_rate_threshold") || n.has("breaker_window") || n.has("wait_in_open")) {
      cb = cb.withFailureRate(n.has("failure_rate_threshold") ? (float) number(n, "failure_rate_threshold", path) : cb.failureRateThreshold(),
          n.has("breaker_window") ? integer(n, "breaker_window", path) : cb.window(),
          n.has("wait_in_open") ? duration(n, "wait_in_open", path) : cb.waitInOpen());
    }
    if (n.has("breaker_minimum_calls")) cb = cb.withMinimumCalls(integer(n, "breaker_minimum_calls", path));
    if (n.has("slow_call_rate_threshold") || n.has("slow_call_duration")) {
      cb = cb.withSlowCalls(n.has("slow_call_rate_threshold") ? (float) number(n, "slow_call_rate_threshold", path) : cb.slowCallRateThreshold(),
          n.has("slow_call_duration") ? duration(n, "slow_call_duration", path) : v.slowCallDuration());
    }
    if (n.has("half_open_calls")) cb = cb.withHalfOpenCalls(integer(n, "half_open_calls", path));
    v = v.withCircuitBreaker(cb);
    BulkheadPolicy bh = base.bulkhead();
    if (n.has("max_concurrent") || n.has("max_wait")) {
      bh = new BulkheadPolicy(n.has("max_concurrent") ? integer(n, "max_concurrent", path) : bh.maxConcurrent(),
          n.has("max_wait") ? duration(n, "max_wait", path) : bh.maxWait(), bh.requestsPerMinute());
    }
    if (n.has("requests_per_minute")) bh = bh.withRequestsPerMinute(integer(n, "requests_per_minute", path));
    v = v.withBulkhead(bh);
    if (n.has("fail_on_truncated_output")) {
      v = v.withOutputValidation(v.outputValidation().withFailOnTruncatedOutput(bool(n, "fail_on_truncated_output", path)));
    }
    return v;
  }
}
