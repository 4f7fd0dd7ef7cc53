package dev.sluice.model;

/**
 * Tokens a call used.
 *
 * @param inputTokens prompt tokens, including the cached ones
 * @param outputTokens completion tokens
 * @param cachedInputTokens the part of {@code inputTokens} served from the provider's prompt cache
 */
public record TokenUsage(long inputTokens, long outputTokens, long cachedInputTokens) {

  public static final TokenUsage ZERO = new TokenUsage(0, 0, 0);

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

  public TokenUsage plus(TokenUsage other) {
    if (other.equals(ZERO)) {
      return this;
    }
    return new TokenUsage(
        inputTokens + other.inputTokens, outputTokens + other.outputTokens, cachedInputTokens + other.cachedInputTokens);
  }
}
