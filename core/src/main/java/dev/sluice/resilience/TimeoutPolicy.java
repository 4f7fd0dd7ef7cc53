package dev.sluice.resilience;

import dev.sluice.internal.Checks;
import java.time.Duration;
import java.util.Objects;

/**
 * How long one attempt at a variant's model may take before it is aborted (the call's deadline,
 * on the route, bounds it further). A per-variant policy.
 *
 * <p>A streamed attempt is not bounded by {@code attempt} (a long answer streams for as long as
 * it writes) but by two timeouts of its own: {@code firstChunk}, from sending the request to the
 * first chunk, and {@code idleBetweenChunks}, the longest silence after it while Sluice is waiting
 * for the next chunk (not while the caller is slow to take one). The call's deadline bounds the
 * whole stream.
 *
 * <pre>{@code
 * TimeoutPolicy slowModel = TimeoutPolicy.ofAttempt(Duration.ofSeconds(20));
 * TimeoutPolicy streams = TimeoutPolicy.DEFAULTS.withStreaming(Duration.ofSeconds(3), Duration.ofSeconds(5));
 * }</pre>
 *
 * @param attempt the longest one whole (not streamed) attempt may take
 * @param firstChunk the longest a streamed attempt may wait for its first chunk
 * @param idleBetweenChunks the longest a streamed attempt may wait for each later chunk
 */
public record TimeoutPolicy(Duration attempt, Duration firstChunk, Duration idleBetweenChunks) {

  public static final Duration DEFAULT_ATTEMPT = Duration.ofSeconds(10);
  /** Ten seconds, as the whole attempt: a model that has not started writing by then will not do better. */
  public static final Duration DEFAULT_FIRST_CHUNK = Duration.ofSeconds(10);
  /** Ten seconds: reasoning models may pause between chunks, but not for longer than that. */
  public static final Duration DEFAULT_IDLE_BETWEEN_CHUNKS = Duration.ofSeconds(10);

  /** Every default. */
  public static final TimeoutPolicy DEFAULTS = new TimeoutPolicy(DEFAULT_ATTEMPT, DEFAULT_FIRST_CHUNK, DEFAULT_IDLE_BETWEEN_CHUNKS);

  public TimeoutPolicy {
    Checks.positive("resilience.timeout.attempt", attempt);
    Checks.positive("resilience.timeout.first_chunk", firstChunk);
    Checks.positive("resilience.timeout.idle_between_chunks", idleBetweenChunks);
  }

  /** A whole attempt's timeout, and the same for a stream's first chunk and each silence after it. */
  public TimeoutPolicy(Duration attempt) {
    this(attempt, Objects.requireNonNull(attempt, "attempt"), attempt);
  }

  public static TimeoutPolicy ofAttempt(Duration attempt) {
    return new TimeoutPolicy(attempt);
  }

  /** The same whole-attempt timeout with these stream timeouts. */
  public TimeoutPolicy withStreaming(Duration firstChunk, Duration idleBetweenChunks) {
    return new TimeoutPolicy(attempt, firstChunk, idleBetweenChunks);
  }
}
