package dev.sluice.outcome;

import dev.sluice.RolloutControl;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The failures a fallback link can handle. */
public enum FallbackTrigger {
  /** The deadline or an attempt's timeout passed. */
  TIMEOUT,
  /** The variant's circuit breaker is open. */
  CIRCUIT_OPEN,
  /** A budget cap whose action is fallback is full. */
  BUDGET_EXCEEDED,
  /** A guardrail blocked the input or output. */
  GUARDRAIL_BLOCKED,
  /** HTTP 429, a full bulkhead or the rate limiter. */
  RATE_LIMITED,
  /**
   * The route's kill switch sends its calls to the fallback chain ({@code RolloutControl.kill(true,
   * ..)}): the links with this trigger answer instead of any model call.
   */
  KILLED,
  /** Any other model failure: 5xx, connection, bad output, client errors. */
  MODEL_ERROR;

  /** Every trigger. */
  public static Set<FallbackTrigger> any() {
    return EnumSet.allOf(FallbackTrigger.class);
  }

  /** The trigger a failure falls under, or null for failures no fallback should hide (a budget rejection, a cancelled call). */
  public static @org.jspecify.annotations.Nullable FallbackTrigger of(SluiceException e) {
    if (e instanceof CallTimeoutException) {
      return TIMEOUT;
    }
    if (e instanceof CircuitOpenException) {
      return CIRCUIT_OPEN;
    }
    if (e instanceof BudgetExceededException b) {
      return b.toFallback() ? BUDGET_EXCEEDED : null;
    }
    if (e instanceof GuardrailBlockedException) {
      return GUARDRAIL_BLOCKED;
    }
    if (e instanceof CallRejectedException r) {
      // An input over the route's size limit is the caller's mistake: no fallback answers it.
      return r.reason().equals("input_too_large") ? null : r.reason().equals("kill_switch") ? KILLED : RATE_LIMITED;
    }
    if (e instanceof ModelCallException m) {
      return switch (m.kind()) {
        case ATTEMPT_TIMEOUT -> TIMEOUT;
        case RATE_LIMITED -> RATE_LIMITED;
        default -> MODEL_ERROR;
      };
    }
    return null;
  }

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
