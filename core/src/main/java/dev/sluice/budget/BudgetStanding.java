package dev.sluice.budget;

import java.time.Instant;

/**
 * Where a route-wide or global cap stands in its current period (per-tenant and per-subject caps
 * have one account per tenant or subject and are read from the ledger by account).
 *
 * @param cap the cap
 * @param spent settled spend in the cap's unit (nano-dollars or tokens)
 * @param reserved reserved by calls in flight
 * @param resetsAt when the period ends
 */
public record BudgetStanding(BudgetCap cap, long spent, long reserved, Instant resetsAt) {

  /** Share of the cap left, 0 to 1. */
  public double remainingFraction() {
    return Math.max(0, 1.0 - (double) (spent + reserved) / cap.limit());
  }

  @Override
  public String toString() {
    return cap.scope().tag() + " per " + cap.period().tag() + ": " + cap.format(spent) + " spent, " + cap.format(reserved)
        + " reserved of " + cap.format(cap.limit()) + ", resets " + resetsAt;
  }
}
