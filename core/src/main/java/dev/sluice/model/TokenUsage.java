package dev.sluice.model;

/**
 * Tokens a call used.
 *
 * @param inputTokens prompt tokens, including the cached ones
 * @param outputTokens completion tokens
 * @param cachedInputTokens the part of {@code inputTokens} served from the provider's prompt cache
 * @param reported whether the provider reported these counts; {@code false} for {@link #UNKNOWN}
 *     (an answer without usage, or with counts that make no sense), which budgets settle at what
 *     they reserved rather than at zero
 */
public record TokenUsage(long inputTokens, long outputTokens, long cachedInputTokens, boolean reported) {

  public static final TokenUsage ZERO = new TokenUsage(0, 0, 0);
  /** The provider did not say (or said nonsense): counts read 0, {@link #reported()} is false. */
  public static final TokenUsage UNKNOWN = new TokenUsage(0, 0, 0, false);

  /** Counts the provider reported. */
  public TokenUsage(long inputTokens, long outputTokens, long cachedInputTokens) {
    this(inputTokens, outputTokens, cachedInputTokens, true);
  }

  public TokenUsage {
    if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must be zero or more, got input=" + inputTokens + " output=" + outputTokens
              + " cachedInput=" + cachedInputTokens);
    }
    if (cachedInputTokens > inputTokens) {
      throw new IllegalArgumentException(
          "cachedInputTokens (" + cachedInputTokens + ") cannot exceed inputTokens (" + inputTokens + ")");
    }
  }

  public static TokenUsage of(long inputTokens, long outputTokens) {
    return new TokenUsage(inputTokens, outputTokens, 0);
  }

  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /** The sum; unknown if either part is. */
  public TokenUsage plus(TokenUsage other) {
    if (other.equals(ZERO)) {
      return this;
    }
    return new TokenUsage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
        cachedInputTokens + other.cachedInputTokens, reported && other.reported);
  }
}
