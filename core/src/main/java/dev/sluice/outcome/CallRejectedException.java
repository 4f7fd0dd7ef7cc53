package dev.sluice.outcome;

/**
 * The call was turned away before it reached the model: a full bulkhead, the rate limiter, an
 * exhausted retry budget, or a kill switch with nothing to fall back to. The message says which.
 */
public class CallRejectedException extends SluiceException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  public CallRejectedException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A short, bounded reason such as {@code bulkhead_full} or {@code rate_limited}. */
  public String reason() {
    return reason;
  }

  @Override
  public Outcome outcome() {
    return Outcome.REJECTED;
  }
}
