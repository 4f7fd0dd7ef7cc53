package dev.sluice.outcome;

/** A guardrail blocked the input or output. The message names the guardrail and the reason, never the offending text. */
public class GuardrailBlockedException extends SluiceException {

  private static final long serialVersionUID = 1L;

  private final String guardrail;
  private final String reason;

  public GuardrailBlockedException(String guardrail, String reason) {
    super("guardrail '" + guardrail + "' blocked the call: " + reason);
    this.guardrail = guardrail;
    this.reason = reason;
  }

  public String guardrail() {
    return guardrail;
  }

  public String reason() {
    return reason;
  }

  @Override
  public Outcome outcome() {
    return Outcome.GUARDRAIL_BLOCKED;
  }
}
