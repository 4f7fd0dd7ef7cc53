package dev.sluice.budget;

import java.util.List;

/**
 * A granted reservation: the lines it holds. Settle or release it exactly once.
 *
 * @param id the ledger's id for it
 * @param lines what is held, per account
 */
public record Reservation(long id, List<BudgetLedger.Line> lines) {
  public Reservation {
    lines = List.copyOf(lines);
  }
}
