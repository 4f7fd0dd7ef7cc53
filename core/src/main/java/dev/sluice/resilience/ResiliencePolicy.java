package dev.sluice.resilience;

import dev.sluice.internal.Checks;
import java.time.Duration;
import java.util.Objects;

/**
 * How a route's calls are protected, one policy per mechanism: for the whole call a deadline, a
 * {@link RetryPolicy} and a {@link RetryBudget}; for each variant the {@link VariantResilience}
 * (attempt timeout, circuit breaker, bulkhead and rate limit, output validation), which one
 * variant may override on the route. Immutable; defaults are the policies' public constants.
 *
 * <pre>{@code
 * ResiliencePolicy policy = ResiliencePolicy.builder()
 *     .deadline(Duration.ofSeconds(8))
 *     .attemptTimeout(Duration.ofSeconds(3))
 *     .maxAttempts(3)
 *     .retryBudget(0.2, Duration.ofSeconds(10), 10)
 *     .circuitBreaker(50, 20, Duration.ofSeconds(30))
 *     .bulkhead(32, Duration.ZERO)
 *     .build();
 * Route route = Route.builder("support-answer").baseline(v1).resilience(policy).build();
 * }</pre>
 *
 * <p>The builder's shortcuts ({@code maxAttempts}, {@code circuitBreaker}, ...) set one field of
 * one policy; {@link Builder#retry}, {@link Builder#variants} and the like set a whole policy.
 */
public final class ResiliencePolicy {

  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

  /** Every default. */
  public static final ResiliencePolicy DEFAULTS = builder().build();

  private final Duration deadline;
  private final RetryPolicy retry;
  private final RetryBudget retryBudget;
  private final VariantResilience variants;

  private ResiliencePolicy(Builder b) {
    this.deadline = Checks.positive("resilience.deadline", b.deadline);
    this.retry = b.retry;
    this.retryBudget = b.retryBudget;
    this.variants = b.variants;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this policy's values, to derive another from it. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** When the whole call, every attempt and backoff and fallback included, must have answered. */
  public Duration deadline() {
    return deadline;
  }

  /** How the call retries. */
  public RetryPolicy retry() {
    return retry;
  }

  /** The cap on the route's retries. */
  public RetryBudget retryBudget() {
    return retryBudget;
  }

  /** The per-variant policies every variant of the route has unless the route overrides them for one. */
  public VariantResilience variants() {
    return variants;
  }

  @Override
  public String toString() {
    return "ResiliencePolicy[deadline=" + deadline + ", " + retry + ", " + retryBudget + ", " + variants + "]";
  }

  /** Builds a {@link ResiliencePolicy}; {@link #build()} checks every value and names the field at fault. */
  public static final class Builder {
    private Duration deadline = DEFAULT_DEADLINE;
    private RetryPolicy retry = RetryPolicy.DEFAULTS;
    private RetryBudget retryBudget = RetryBudget.DEFAULTS;
    private VariantResilience variants = VariantResilience.DEFAULTS;

    private Builder() {}

    private Builder(ResiliencePolicy p) {
      deadline = p.deadline;
      retry = p.retry;
      retryBudget = p.retryBudget;
      variants = p.variants;
    }

    public Builder deadline(Duration d) {
      this.deadline = d;
      return this;
    }

    public Builder retry(RetryPolicy policy) {
      this.retry = Objects.requireNonNull(policy, "retry");
      return this;
    }

    public Builder retryBudget(RetryBudget budget) {
      this.retryBudget = Objects.requireNonNull(budget, "retryBudget");
      return this;
    }

    /** The per-variant policies of every variant. */
    public Builder variants(VariantResilience policies) {
      this.variants = Objects.requireNonNull(policies, "variants");
      return this;
    }

    public Builder timeout(TimeoutPolicy policy) {
      return variants(variants.withTimeout(policy));
    }

    public Builder circuitBreaker(CircuitBreakerPolicy policy) {
      return variants(variants.withCircuitBreaker(policy));
    }

    public Builder bulkhead(BulkheadPolicy policy) {
      return variants(variants.withBulkhead(policy));
    }

    public Builder outputValidation(OutputValidationPolicy policy) {
      return variants(variants.withOutputValidation(policy));
    }

    // Shortcuts: one field of one policy each.

    /** The whole attempt's timeout; the stream timeouts stay as they are. */
    public Builder attemptTimeout(Duration d) {
      TimeoutPolicy t = variants.timeout();
      return timeout(new TimeoutPolicy(d, t.firstChunk(), t.idleBetweenChunks()));
    }

    /** A streamed attempt's timeouts: to its first chunk, and each silence after it. */
    public Builder streamTimeouts(Duration firstChunk, Duration idleBetweenChunks) {
      return timeout(variants.timeout().withStreaming(firstChunk, idleBetweenChunks));
    }

    public Builder minAttemptTime(Duration d) {
      return retry(retry.withMinAttemptTime(d));
    }

    public Builder maxAttempts(int n) {
      return retry(retry.withMaxAttempts(n));
    }

    /** Exponential backoff: {@code initial * multiplier^(n-1)}, capped at {@code max}, ± {@code jitter}. */
    public Builder backoff(Duration initial, double multiplier, Duration max, double jitter) {
      return retry(retry.withBackoff(initial, multiplier, max, jitter));
    }

    public Builder retryAfterCap(Duration cap) {
      return retry(retry.withRetryAfterCap(cap));
    }

    /** Retries at most {@code ratio} of calls over {@code window}, plus {@code minRetries} per window. */
    public Builder retryBudget(double ratio, Duration window, int minRetries) {
      return retryBudget(RetryBudget.of(ratio, window, minRetries));
    }

    /** Opens at {@code failureRatePercent} failures over the last {@code window} attempts (once {@code window} calls are seen). */
    public Builder circuitBreaker(float failureRatePercent, int window, Duration waitInOpen) {
      return circuitBreaker(variants.circuitBreaker().withFailureRate(failureRatePercent, window, waitInOpen));
    }

    public Builder breakerMinimumCalls(int n) {
      return circuitBreaker(variants.circuitBreaker().withMinimumCalls(n));
    }

    public Builder slowCalls(float slowCallRatePercent, Duration slowerThan) {
      return circuitBreaker(variants.circuitBreaker().withSlowCalls(slowCallRatePercent, slowerThan));
    }

    public Builder halfOpenCalls(int n) {
      return circuitBreaker(variants.circuitBreaker().withHalfOpenCalls(n));
    }

    public Builder bulkhead(int maxConcurrent, Duration maxWait) {
      return bulkhead(new BulkheadPolicy(maxConcurrent, maxWait, variants.bulkhead().requestsPerMinute()));
    }

    public Builder requestsPerMinute(int rpm) {
      return bulkhead(variants.bulkhead().withRequestsPerMinute(rpm));
    }

    public Builder failOnTruncatedOutput(boolean fail) {
      return outputValidation(variants.outputValidation().withFailOnTruncatedOutput(fail));
    }

    public ResiliencePolicy build() {
      return new ResiliencePolicy(this);
    }
  }
}
