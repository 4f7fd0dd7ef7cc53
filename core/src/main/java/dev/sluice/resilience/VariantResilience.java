package dev.sluice.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * The policies that apply to each variant on its own: its attempt timeout, circuit breaker,
 * bulkhead and rate limit, and what output fails an attempt. A route's {@link ResiliencePolicy}
 * holds the ones its variants share; {@code Route.Builder.resilience(variantId, ..)} overrides them
 * for one variant (a slower model gets a longer timeout; a small deployment a smaller bulkhead).
 *
 * <pre>{@code
 * VariantResilience slowModel = ResiliencePolicy.DEFAULTS.variants()
 *     .withTimeout(TimeoutPolicy.ofAttempt(Duration.ofSeconds(20)));
 * Route.builder("support-answer").baseline(v7).variant(v8).resilience("v8", slowModel);
 * }</pre>
 */
public record VariantResilience(TimeoutPolicy timeout, CircuitBreakerPolicy circuitBreaker, BulkheadPolicy bulkhead,
    OutputValidationPolicy outputValidation) {

  /** Every default. */
  public static final VariantResilience DEFAULTS = new VariantResilience(TimeoutPolicy.DEFAULTS, CircuitBreakerPolicy.DEFAULTS,
      BulkheadPolicy.DEFAULTS, OutputValidationPolicy.DEFAULTS);

  public VariantResilience {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    Objects.requireNonNull(bulkhead, "bulkhead");
    Objects.requireNonNull(outputValidation, "outputValidation");
  }

  /** An attempt slower than this counts as slow for the breaker: its own setting, else the attempt timeout. */
  public Duration slowCallDuration() {
    Duration d = circuitBreaker.slowCallDuration();
    return d != null ? d : timeout.attempt();
  }

  public VariantResilience withTimeout(TimeoutPolicy t) {
    return new VariantResilience(t, circuitBreaker, bulkhead, outputValidation);
  }

  public VariantResilience withCircuitBreaker(CircuitBreakerPolicy b) {
    return new VariantResilience(timeout, b, bulkhead, outputValidation);
  }

  public VariantResilience withBulkhead(BulkheadPolicy b) {
    return new VariantResilience(timeout, circuitBreaker, b, outputValidation);
  }

  public VariantResilience withOutputValidation(OutputValidationPolicy o) {
    return new VariantResilience(timeout, circuitBreaker, bulkhead, o);
  }
}
