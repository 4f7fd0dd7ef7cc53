package dev.sluice.pipeline;

/**
 * Where a step sits in the pipeline, outermost first. The order is the design's: record around
 * everything; assignment before anything that depends on the variant; fallback around the input
 * guardrails (so a blocked input can get a fixed answer) and the attempt loop; input guardrails
 * before the budget reservation (never retried); per attempt, the budget
 * reservation, then bulkhead, breaker, output guardrails and the timeout around the model call.
 */
public enum Phase {
  /** Meters, audit event and log line for the whole call. */
  RECORD,
  /** Picks the variant from the toggles (kill switch, pin, pause) and the rollout stage. */
  ASSIGNMENT,
  /** Runs the candidate off the caller's path on a sample of calls. */
  SHADOW,
  /** Sets the MDC for the rest of the call. */
  LABELS,
  /** Answers from the route's fallback chain when the input guardrails block or the attempts fail. */
  FALLBACK,
  /** Checks and rewrites the input; never retried. */
  INPUT_GUARDRAILS,
  /** The deadline and the attempt loop. */
  RETRY,
  /** Reserves the attempt's worst-case cost and settles it after. */
  BUDGET,
  /** Limits concurrent calls and the request rate per variant. */
  BULKHEAD,
  /** The variant's circuit breaker. */
  CIRCUIT_BREAKER,
  /** Checks the output inside the attempt, so bad output is a failure retries and breakers see. */
  OUTPUT_GUARDRAILS,
  /** The per-attempt timeout, innermost around the model call. */
  TIMEOUT
}
