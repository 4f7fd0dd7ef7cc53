package dev.sluice.outcome;

import java.time.Instant;

/**
 * A budget cap had no room for the call's worst-case cost, so it was not made. The message names
 * the scope, the cap, the period and when the period resets.
 */
public class BudgetExceededException extends SluiceException {

  private static final long serialVersionUID = 1L;

  private final String scope;
  private final Instant resetsAt;
  private final boolean toFallback;

  public BudgetExceededException(String scope, Instant resetsAt, String message) {
    this(scope, resetsAt, message, false);
  }

  public BudgetExceededException(String scope, Instant resetsAt, String message, boolean toFallback) {
    super(message);
    this.scope = scope;
    this.resetsAt = resetsAt;
    this.toFallback = toFallback;
  }

  /** Whether the cap's action sends the call to the route's fallback chain (else it is rejected). */
  public boolean toFallback() {
    return toFallback;
  }

  /** The scope whose cap was hit, e.g. {@code tenant:acme per day}. */
  public String scope() {
    return scope;
  }

  public Instant resetsAt() {
    return resetsAt;
  }

  @Override
  public Outcome outcome() {
    return Outcome.BUDGET_EXCEEDED;
  }
}
