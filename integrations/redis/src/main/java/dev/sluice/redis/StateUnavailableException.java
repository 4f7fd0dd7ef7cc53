package dev.sluice.redis;

import dev.sluice.outcome.SluiceException;

/**
 * Shared rollout state or toggles could not be read from or written to Redis. Nothing was changed:
 * the instance keeps the state it last read, and no rollout advances on a state it cannot write.
 */
public final class StateUnavailableException extends SluiceException {

  private static final long serialVersionUID = 1L;

  public StateUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
