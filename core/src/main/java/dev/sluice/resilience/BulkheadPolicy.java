package dev.sluice.resilience;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.internal.Checks;
import java.time.Duration;

/**
 * How many attempts at a variant may be in flight at once, how long an attempt waits for a slot,
 * and an optional cap on requests per minute. A per-variant policy; Resilience4j's semaphore
 * bulkhead and rate limiter run it.
 *
 * <pre>{@code
 * BulkheadPolicy bulkhead = BulkheadPolicy.of(32, Duration.ZERO).withRequestsPerMinute(600);
 * }</pre>
 *
 * @param maxConcurrent attempts in flight at once
 * @param maxWait how long an attempt waits for a slot (zero: rejected at once)
 * @param requestsPerMinute the rate limit, 0 for none
 */
public record BulkheadPolicy(int maxConcurrent, Duration maxWait, int requestsPerMinute) {

  public static final int DEFAULT_MAX_CONCURRENT = 64;

  /** Every default: 64 in flight, no waiting, no rate limit. */
  public static final BulkheadPolicy DEFAULTS = new BulkheadPolicy(DEFAULT_MAX_CONCURRENT, Duration.ZERO, 0);

  public BulkheadPolicy {
    Checks.atLeast("resilience.bulkhead.maxConcurrent", maxConcurrent, 1);
    if (maxWait == null || maxWait.isNegative()) {
      throw new InvalidConfigurationException("resilience.bulkhead.maxWait", maxWait, "zero or a positive duration");
    }
    Checks.atLeast("resilience.rateLimit.requestsPerMinute", requestsPerMinute, 0);
  }

  public static BulkheadPolicy of(int maxConcurrent, Duration maxWait) {
    return new BulkheadPolicy(maxConcurrent, maxWait, 0);
  }

  public BulkheadPolicy withRequestsPerMinute(int rpm) {
    return new BulkheadPolicy(maxConcurrent, maxWait, rpm);
  }
}
