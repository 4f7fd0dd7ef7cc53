/**
 * How calls are protected, one policy per mechanism: {@link dev.sluice.resilience.RetryPolicy},
 * {@link dev.sluice.resilience.RetryBudget} and the deadline for the whole call; per variant
 * {@link dev.sluice.resilience.TimeoutPolicy}, {@link dev.sluice.resilience.CircuitBreakerPolicy},
 * {@link dev.sluice.resilience.BulkheadPolicy} and {@link dev.sluice.resilience.OutputValidationPolicy}.
 * A route holds them in a {@link dev.sluice.resilience.ResiliencePolicy}.
 */
@NullMarked
package dev.sluice.resilience;

import org.jspecify.annotations.NullMarked;
