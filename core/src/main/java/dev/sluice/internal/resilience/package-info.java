/** The resilience steps: deadline and retries, bulkhead and rate limit, circuit breaker, output validity, timeout. */
@NullMarked
package dev.sluice.internal.resilience;

import org.jspecify.annotations.NullMarked;
