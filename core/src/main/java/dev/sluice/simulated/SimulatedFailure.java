package dev.sluice.simulated;

/** The ways a {@link SimulatedModelClient} can fail a call. */
public enum SimulatedFailure {
  /** HTTP 500. */
  SERVER_ERROR,
  /** HTTP 503. */
  UNAVAILABLE,
  /** HTTP 429 with the configured Retry-After. */
  RATE_LIMITED,
  /** Never answers; only cancelling the call ends it. */
  HANG,
  /** HTTP 200 with the output cut in half (JSON that does not parse, a sentence that stops). */
  MALFORMED_OUTPUT,
  /** HTTP 200 with no text at all. */
  EMPTY_OUTPUT,
  /**
   * A stream cut halfway: half the chunks arrive, then the connection breaks. A whole answer fails
   * with a broken connection after its latency.
   */
  STREAM_CUT,
  /**
   * A stream that stalls halfway: half the chunks arrive, then nothing more. A whole answer never
   * comes, as with {@link #HANG}.
   */
  STREAM_STALL
}
