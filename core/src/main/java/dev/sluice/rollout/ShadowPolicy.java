package dev.sluice.rollout;

import dev.sluice.budget.BudgetCap;
import dev.sluice.internal.Checks;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How shadow runs are made: at most {@code maxConcurrent} at once with a queue of
 * {@code queueCapacity} (beyond that they are dropped, never waited for), each within
 * {@code timeout}, a share {@code noiseShare} of them running the baseline again to measure the
 * noise floor, and all of them within their own optional budget cap.
 *
 * @param maxConcurrent shadow calls in flight at most
 * @param queueCapacity shadow calls waiting at most
 * @param timeout the most a shadow call may take
 * @param noiseShare share of sampled calls that run the baseline again instead of the candidate
 * @param budget a cap on shadow spend, counted apart from the route's caps; null for none
 */
public record ShadowPolicy(int maxConcurrent, int queueCapacity, Duration timeout, double noiseShare, @Nullable BudgetCap budget) {

  public static final ShadowPolicy DEFAULTS = new ShadowPolicy(4, 64, Duration.ofSeconds(30), 0.2, null);

  public ShadowPolicy {
    Checks.atLeast("shadow.maxConcurrent", maxConcurrent, 1);
    Checks.atLeast("shadow.queueCapacity", queueCapacity, 0);
    Checks.positive("shadow.timeout", timeout);
    Checks.fraction("shadow.noiseShare", noiseShare);
  }

  public ShadowPolicy withBudget(BudgetCap cap) {
    return new ShadowPolicy(maxConcurrent, queueCapacity, timeout, noiseShare, cap);
  }
}
