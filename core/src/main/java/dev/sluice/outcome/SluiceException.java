package dev.sluice.outcome;

import dev.sluice.Sluice;
import org.jspecify.annotations.Nullable;

/**
 * The one exception type a Sluice call throws. Subclasses say why, so a caller can act:
 * {@link BudgetExceededException}, {@link CircuitOpenException}, {@link GuardrailBlockedException},
 * {@link CallTimeoutException}, {@link CallRejectedException}, {@link ModelCallException} and, at
 * build time, {@link InvalidConfigurationException}.
 */
public class SluiceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SluiceException(String message) {
    super(message);
  }

  public SluiceException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** The outcome a call that ends with this exception is counted under. */
  public Outcome outcome() {
    return Outcome.ERROR;
  }

  /** Whether another attempt at the same call might succeed. */
  public boolean isRetryable() {
    return false;
  }
}
