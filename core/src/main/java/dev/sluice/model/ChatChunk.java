package dev.sluice.model;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One piece of a streamed answer: text, tool-call pieces, and, near the end, why the model stopped
 * and what it used. Most chunks hold text only; the finish reason and the usage come once each
 * (often in chunks of their own).
 *
 * @param text more of the answer's text ("" for none)
 * @param refusal more of the model's refusal ("" for none); a refusing answer's text is its refusal
 * @param toolCalls pieces of tool calls
 * @param finishReason why the model stopped, on the chunk that says so; null on the others
 * @param usage the tokens the whole answer used, on the chunk that says so; null on the others
 * @param responseModel the model that answered, when the chunk names it
 */
public record ChatChunk(String text, String refusal, List<ToolCallDelta> toolCalls, @Nullable FinishReason finishReason,
    @Nullable TokenUsage usage, @Nullable String responseModel) {

  public ChatChunk {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(refusal, "refusal");
    toolCalls = List.copyOf(toolCalls);
  }

  /** A chunk of text only. */
  public static ChatChunk text(String text) {
    return new ChatChunk(text, "", List.of(), null, null, null);
  }

  /** The chunk that ends an answer: why it stopped, and its usage if known. */
  public static ChatChunk end(FinishReason finishReason, @Nullable TokenUsage usage) {
    return new ChatChunk("", "", List.of(), Objects.requireNonNull(finishReason, "finishReason"), usage, null);
  }

  /**
   * A whole answer as one chunk, for a client that cannot stream: every part of the answer at once.
   */
  public static ChatChunk of(ChatResponse whole) {
    boolean refused = whole.finishReason() == FinishReason.REFUSAL;
    List<ToolCallDelta> calls = new java.util.ArrayList<>(whole.toolCalls().size());
    for (int i = 0; i < whole.toolCalls().size(); i++) {
      ToolCall c = whole.toolCalls().get(i);
      calls.add(new ToolCallDelta(i, c.id(), c.name(), c.argumentsJson()));
    }
    return new ChatChunk(refused ? "" : whole.text(), refused ? whole.text() : "", calls, whole.finishReason(), whole.usage(),
        whole.responseModel());
  }

  /**
   * These chunks as a stream, for a {@link ModelClient#stream} whose answer is at hand (a cache, a
   * test, an adapter): each subscriber gets them all, in order, as it asks for them.
   */
  public static java.util.concurrent.Flow.Publisher<ChatChunk> publisher(List<ChatChunk> chunks) {
    return new dev.sluice.internal.ListedStream<>(chunks);
  }

  /** The characters of text and refusal this chunk adds. */
  public int chars() {
    return text.length() + refusal.length();
  }

  @Override
  public String toString() {
    // The text is the user's business: its length only.
    return "ChatChunk[chars=" + chars() + ", toolCalls=" + toolCalls.size() + ", finishReason=" + finishReason + ", usage=" + usage + "]";
  }
}
