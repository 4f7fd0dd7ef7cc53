package dev.sluice.model;

/** Why the model stopped writing. */
public enum FinishReason {
  /** It finished on its own or at a stop sequence. */
  STOP,
  /** It hit the maximum output tokens: the text is truncated. */
  LENGTH,
  /** It asked for tool calls. */
  TOOL_CALLS,
  /** The provider's content filter stopped it. */
  CONTENT_FILTER,
  /**
   * The model declined to answer; the response's text is the refusal (OpenAI's {@code refusal}
   * field). The call's outcome is {@link dev.sluice.outcome.Outcome#REFUSED}.
   */
  REFUSAL,
  /** Anything else the provider said. */
  OTHER;

  /** Maps an OpenAI-style {@code finish_reason} string; unknown or null is {@link #OTHER}. */
  public static FinishReason fromWire(@org.jspecify.annotations.Nullable String value) {
    if (value == null) {
      return OTHER;
    }
    return switch (value) {
      case "stop", "end_turn", "stop_sequence" -> STOP;
      case "length", "max_tokens" -> LENGTH;
      case "tool_calls", "function_call", "tool_use" -> TOOL_CALLS;
      case "content_filter" -> CONTENT_FILTER;
      case "refusal" -> REFUSAL;
      default -> OTHER;
    };
  }
}
