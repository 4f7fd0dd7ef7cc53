package dev.sluice.resilience;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.internal.Checks;
import java.time.Duration;

/**
 * How a call retries: how many attempts in all, the exponential backoff with jitter between them,
 * how long a provider's {@code Retry-After} may make it wait, and the least time the call's
 * deadline must leave for another attempt to start. A route-level policy (the attempts of one call
 * share one deadline). Immutable; each {@code with} method returns a new policy.
 *
 * <pre>{@code
 * RetryPolicy retry = RetryPolicy.DEFAULTS.withMaxAttempts(4)
 *     .withBackoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(2), 0.5);
 * }</pre>
 *
 * @param maxAttempts attempts in all, the first included (1 = no retry)
 * @param initialBackoff the wait before the first retry
 * @param backoffMultiplier the factor each further wait grows by
 * @param maxBackoff the longest wait
 * @param jitter the random share (0 up to, not including, 1) a wait varies by, either way
 * @param retryAfterCap the longest wait a provider's {@code Retry-After} is honoured for
 * @param minAttemptTime the least time the deadline must leave for an attempt to start
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double backoffMultiplier, Duration maxBackoff,
    double jitter, Duration retryAfterCap, Duration minAttemptTime) {

  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
  public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
  public static final double DEFAULT_JITTER = 0.5;
  public static final Duration DEFAULT_RETRY_AFTER_CAP = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MIN_ATTEMPT_TIME = Duration.ofMillis(50);

  /** Every default. */
  public static final RetryPolicy DEFAULTS = new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF,
      DEFAULT_BACKOFF_MULTIPLIER, DEFAULT_MAX_BACKOFF, DEFAULT_JITTER, DEFAULT_RETRY_AFTER_CAP, DEFAULT_MIN_ATTEMPT_TIME);

  public RetryPolicy {
    Checks.atLeast("resilience.retry.maxAttempts", maxAttempts, 1);
    Checks.positive("resilience.retry.initialBackoff", initialBackoff);
    if (!(backoffMultiplier >= 1)) {
      throw new InvalidConfigurationException("resilience.retry.backoffMultiplier", backoffMultiplier, "a number of at least 1");
    }
    Checks.positive("resilience.retry.maxBackoff", maxBackoff);
    if (!(jitter >= 0 && jitter < 1)) {
      throw new InvalidConfigurationException("resilience.retry.jitter", jitter, "a number from 0 up to, not including, 1");
    }
    Checks.positive("resilience.retry.retryAfterCap", retryAfterCap);
    Checks.positive("resilience.retry.minAttemptTime", minAttemptTime);
  }

  public RetryPolicy withMaxAttempts(int n) {
    return new RetryPolicy(n, initialBackoff, backoffMultiplier, maxBackoff, jitter, retryAfterCap, minAttemptTime);
  }

  /** Exponential backoff: {@code initial * multiplier^(n-1)}, capped at {@code max}, ± {@code jitter}. */
  public RetryPolicy withBackoff(Duration initial, double multiplier, Duration max, double jitter) {
    return new RetryPolicy(maxAttempts, initial, multiplier, max, jitter, retryAfterCap, minAttemptTime);
  }

  public RetryPolicy withRetryAfterCap(Duration cap) {
    return new RetryPolicy(maxAttempts, initialBackoff, backoffMultiplier, maxBackoff, jitter, cap, minAttemptTime);
  }

  public RetryPolicy withMinAttemptTime(Duration d) {
    return new RetryPolicy(maxAttempts, initialBackoff, backoffMultiplier, maxBackoff, jitter, retryAfterCap, d);
  }
}
