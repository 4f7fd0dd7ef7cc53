package dev.sluice.resilience;

import dev.sluice.internal.Checks;
import java.time.Duration;

/**
 * A cap on a route's retries, as Finagle and gRPC have: over a sliding window, retries may be at
 * most {@code ratio} of the calls plus {@code minRetries}, so an outage does not multiply the load
 * on a failing provider. A route-level policy.
 *
 * <pre>{@code
 * RetryBudget budget = RetryBudget.of(0.1, Duration.ofSeconds(10), 5);
 * }</pre>
 *
 * @param ratio retries allowed per call over the window, 0 to 1
 * @param window how far back calls and retries are counted
 * @param minRetries retries allowed per window whatever the traffic
 */
public record RetryBudget(double ratio, Duration window, int minRetries) {

  public static final double DEFAULT_RATIO = 0.2;
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
  public static final int DEFAULT_MIN_RETRIES = 10;

  /** Every default. */
  public static final RetryBudget DEFAULTS = new RetryBudget(DEFAULT_RATIO, DEFAULT_WINDOW, DEFAULT_MIN_RETRIES);

  public RetryBudget {
    Checks.fraction("resilience.retryBudget.ratio", ratio);
    Checks.positive("resilience.retryBudget.window", window);
    Checks.atLeast("resilience.retryBudget.minRetries", minRetries, 0);
  }

  public static RetryBudget of(double ratio, Duration window, int minRetries) {
    return new RetryBudget(ratio, window, minRetries);
  }
}
