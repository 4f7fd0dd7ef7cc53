package dev.sluice.outcome;

/** The variant's circuit breaker is open: the call was not sent. Configure a fallback or wait for the breaker's half-open probe. */
public class CircuitOpenException extends SluiceException {

  private static final long serialVersionUID = 1L;

  private final String variantId;

  public CircuitOpenException(String variantId, String message) {
    super(message);
    this.variantId = variantId;
  }

  public String variantId() {
    return variantId;
  }

  @Override
  public Outcome outcome() {
    return Outcome.CIRCUIT_OPEN;
  }
}
