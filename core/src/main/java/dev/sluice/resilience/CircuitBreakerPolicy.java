package dev.sluice.resilience;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.internal.Checks;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * When a variant's circuit breaker opens and how it recovers: the failure (and slow-call) rate
 * over a sliding window of attempts, once enough attempts are seen; how long it stays open; how
 * many probes it lets through half-open. A per-variant policy; Resilience4j's breaker runs it.
 *
 * <pre>{@code
 * CircuitBreakerPolicy breaker = CircuitBreakerPolicy.DEFAULTS.withFailureRate(50, 20, Duration.ofSeconds(30));
 * }</pre>
 *
 * @param failureRateThreshold the failure percentage (above 0, at most 100) that opens it
 * @param window the attempts the rates are computed over
 * @param minimumCalls the attempts to see before it may open
 * @param waitInOpen how long it stays open before probing
 * @param slowCallRateThreshold the slow-call percentage that opens it (100 = slowness alone never does)
 * @param slowCallDuration an attempt slower than this counts as slow; null means the attempt timeout
 * @param halfOpenCalls the probes let through half-open
 */
public record CircuitBreakerPolicy(float failureRateThreshold, int window, int minimumCalls, Duration waitInOpen,
    float slowCallRateThreshold, @Nullable Duration slowCallDuration, int halfOpenCalls) {

  public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50;
  public static final int DEFAULT_WINDOW = 50;
  public static final int DEFAULT_MINIMUM_CALLS = 20;
  public static final Duration DEFAULT_WAIT_IN_OPEN = Duration.ofSeconds(30);
  public static final float DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100;
  public static final int DEFAULT_HALF_OPEN_CALLS = 5;

  /** Every default. */
  public static final CircuitBreakerPolicy DEFAULTS = new CircuitBreakerPolicy(DEFAULT_FAILURE_RATE_THRESHOLD, DEFAULT_WINDOW,
      DEFAULT_MINIMUM_CALLS, DEFAULT_WAIT_IN_OPEN, DEFAULT_SLOW_CALL_RATE_THRESHOLD, null, DEFAULT_HALF_OPEN_CALLS);

  public CircuitBreakerPolicy {
    percent("resilience.circuitBreaker.failureRateThreshold", failureRateThreshold);
    percent("resilience.circuitBreaker.slowCallRateThreshold", slowCallRateThreshold);
    Checks.atLeast("resilience.circuitBreaker.window", window, 1);
    Checks.atLeast("resilience.circuitBreaker.minimumCalls", minimumCalls, 1);
    Checks.positive("resilience.circuitBreaker.waitInOpen", waitInOpen);
    if (slowCallDuration != null) {
      Checks.positive("resilience.circuitBreaker.slowCallDuration", slowCallDuration);
    }
    Checks.atLeast("resilience.circuitBreaker.halfOpenCalls", halfOpenCalls, 1);
  }

  private static void percent(String field, float v) {
    if (!(v > 0 && v <= 100)) {
      throw new InvalidConfigurationException(field, v, "a percentage greater than 0 and at most 100");
    }
  }

  /** Opens at {@code failureRatePercent} failures over the last {@code window} attempts, once {@code window} are seen. */
  public CircuitBreakerPolicy withFailureRate(float failureRatePercent, int window, Duration waitInOpen) {
    return new CircuitBreakerPolicy(failureRatePercent, window, window, waitInOpen, slowCallRateThreshold, slowCallDuration,
        halfOpenCalls);
  }

  public CircuitBreakerPolicy withMinimumCalls(int n) {
    return new CircuitBreakerPolicy(failureRateThreshold, window, n, waitInOpen, slowCallRateThreshold, slowCallDuration,
        halfOpenCalls);
  }

  /** Opens at {@code slowCallRatePercent} attempts slower than {@code slowerThan}. */
  public CircuitBreakerPolicy withSlowCalls(float slowCallRatePercent, Duration slowerThan) {
    return new CircuitBreakerPolicy(failureRateThreshold, window, minimumCalls, waitInOpen, slowCallRatePercent, slowerThan,
        halfOpenCalls);
  }

  public CircuitBreakerPolicy withHalfOpenCalls(int n) {
    return new CircuitBreakerPolicy(failureRateThreshold, window, minimumCalls, waitInOpen, slowCallRateThreshold,
        slowCallDuration, n);
  }
}
