package dev.sluice.outcome;

import java.util.Objects;

/**
 * A streamed call failed after some of its answer had reached the caller, so it could be neither
 * retried nor answered by a fallback: the stream ends with this error, never as if it had
 * finished. The cause says why (a broken connection, a silence past the idle timeout, a chunk
 * that was not JSON, a guardrail that blocked, the deadline); the counts say how much the caller
 * had received.
 */
public class StreamInterruptedException extends SluiceException {

  private static final long serialVersionUID = 1L;

  private final long deliveredChunks;
  private final long deliveredChars;
  private final SluiceException reason;

  public StreamInterruptedException(long deliveredChunks, long deliveredChars, SluiceException cause) {
    super("the stream broke after " + deliveredChunks + " chunk(s) and " + deliveredChars + " character(s) had been delivered: "
        + Objects.requireNonNull(cause, "cause").getMessage(), cause);
    this.deliveredChunks = deliveredChunks;
    this.deliveredChars = deliveredChars;
    this.reason = cause;
  }

  /** Chunks the caller had received when the stream broke. */
  public long deliveredChunks() {
    return deliveredChunks;
  }

  /** Characters of text (and refusal) the caller had received when the stream broke. */
  public long deliveredChars() {
    return deliveredChars;
  }

  /** Why it broke: the failure a whole call would have ended with. */
  public SluiceException reason() {
    return reason;
  }

  /** Counted as the cause's outcome: a cut stream is an error, a silence a timeout, a block a block. */
  @Override
  public Outcome outcome() {
    return reason.outcome();
  }
}
