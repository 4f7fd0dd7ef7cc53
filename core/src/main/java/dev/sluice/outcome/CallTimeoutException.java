package dev.sluice.outcome;

import java.time.Duration;

/** The call's deadline passed before any attempt or fallback answered. Raise the deadline or make the route cheaper. */
public class CallTimeoutException extends SluiceException {

  private static final long serialVersionUID = 1L;

  private final Duration deadline;

  public CallTimeoutException(String message, Duration deadline) {
    super(message);
    this.deadline = deadline;
  }

  /** The deadline that passed. */
  public Duration deadline() {
    return deadline;
  }

  @Override
  public Outcome outcome() {
    return Outcome.TIMEOUT;
  }
}
