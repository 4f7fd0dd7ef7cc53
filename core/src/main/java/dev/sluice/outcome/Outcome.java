package dev.sluice.outcome;

import java.util.Locale;

/** How a call ended. The lower-case {@link #tag()} is the {@code outcome} tag of every meter. */
public enum Outcome {
  /** The assigned variant answered. */
  SUCCESS,
  /**
   * The assigned variant answered with a refusal ({@link dev.sluice.model.FinishReason#REFUSAL}):
   * the response's text is the refusal, not an answer.
   */
  REFUSED,
  /** A fallback link answered after the assigned variant failed. */
  FALLBACK,
  /** A guardrail blocked the input or the output. */
  GUARDRAIL_BLOCKED,
  /** A budget cap had no room for the call. */
  BUDGET_EXCEEDED,
  /** The call's deadline or an attempt's timeout passed. */
  TIMEOUT,
  /** The variant's circuit breaker was open. */
  CIRCUIT_OPEN,
  /** A bulkhead, rate limiter, retry budget or kill switch turned the call away. */
  REJECTED,
  /** The model or the application failed in any other way. */
  ERROR;

  private final String tag = name().toLowerCase(Locale.ROOT);

  public String tag() {
    return tag;
  }
}
