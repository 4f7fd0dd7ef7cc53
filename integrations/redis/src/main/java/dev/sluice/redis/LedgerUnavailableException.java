package dev.sluice.redis;

import dev.sluice.outcome.SluiceException;

/**
 * The shared budget ledger could not be reached. A reservation that meets it is not made (budgets
 * fail closed: no call is made that no cap has counted); the message names the operation and
 * Redis's error.
 */
public final class LedgerUnavailableException extends SluiceException {

  private static final long serialVersionUID = 1L;

  public LedgerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
