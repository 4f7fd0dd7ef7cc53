package dev.sluice.resilience;

import dev.sluice.internal.Checks;
import java.time.Duration;

/**
 * How long one attempt at a variant's model may take before it is aborted (the call's deadline,
 * on the route, bounds it further). A per-variant policy.
 *
 * <pre>{@code
 * TimeoutPolicy slowModel = TimeoutPolicy.ofAttempt(Duration.ofSeconds(20));
 * }</pre>
 *
 * @param attempt the longest one attempt may take
 */
public record TimeoutPolicy(Duration attempt) {

  public static final Duration DEFAULT_ATTEMPT = Duration.ofSeconds(10);

  /** Every default. */
  public static final TimeoutPolicy DEFAULTS = new TimeoutPolicy(DEFAULT_ATTEMPT);

  public TimeoutPolicy {
    Checks.positive("resilience.timeout.attempt", attempt);
  }

  public static TimeoutPolicy ofAttempt(Duration attempt) {
    return new TimeoutPolicy(attempt);
  }
}
