package dev.sluice;

import java.time.Instant;

/**
 * A budget cap had no room for the call's worst-case cost, so it was not made. The message names
 * the scope, the cap, the period and when the period resets.
 */
public class BudgetExceededException extends SluiceException {

  private static final long serialVersionUID = 1L;

  private final String scope;
  private final Instant resetsAt;

  public BudgetExceededException(String scope, Instant resetsAt, String message) {
    super(message);
    this.scope = scope;
    this.resetsAt = resetsAt;
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
