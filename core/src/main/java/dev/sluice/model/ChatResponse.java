package dev.sluice.model;

import java.util.List;
import java.util.Objects;

/**
 * What a model answered.
 *
 * @param text the completion text ("" when the model only called tools)
 * @param finishReason why it stopped
 * @param usage tokens used
 * @param provider who served it, as {@code gen_ai.provider.name} (e.g. {@code openai})
 * @param responseModel the model that actually answered, as the provider named it
 * @param toolCalls tool calls the model asked for
 */
public record ChatResponse(
    String text,
    FinishReason finishReason,
    TokenUsage usage,
    String provider,
    String responseModel,
    List<ToolCall> toolCalls) {

  public ChatResponse {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(responseModel, "responseModel");
    toolCalls = List.copyOf(toolCalls);
  }

  /** A plain text answer that stopped on its own. */
  public static ChatResponse of(String text, TokenUsage usage, String provider, String responseModel) {
    return new ChatResponse(text, FinishReason.STOP, usage, provider, responseModel, List.of());
  }

  /** The same response with other text (a guardrail's rewrite, say). */
  public ChatResponse withText(String newText) {
    return new ChatResponse(newText, finishReason, usage, provider, responseModel, toolCalls);
  }

  @Override
  public String toString() {
    return "ChatResponse[chars=" + text.length() + ", finishReason=" + finishReason + ", usage=" + usage
        + ", provider=" + provider + ", responseModel=" + responseModel + ", toolCalls=" + toolCalls.size() + "]";
  }
}
