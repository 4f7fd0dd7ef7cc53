package dev.sluice.openaijava.internal;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.completions.CompletionUsage;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.TokenUsage;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ToolCallDelta;
import dev.sluice.outcome.ModelCallException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SDK's answers as Sluice's: a whole completion, or one chunk of a stream. */
public final class Responses {

  private Responses() {}

  /** A whole completion: its first choice's text (or refusal), tool calls, finish reason; usage; model. */
  public static ChatResponse toSluice(ChatCompletion completion, String provider) {
    if (completion.choices().isEmpty()) {
      throw new ModelCallException(ModelCallException.Kind.BAD_OUTPUT, 0, provider + " answered with no choices", null, null);
    }
    ChatCompletion.Choice choice = completion.choices().get(0);
    ChatCompletionMessage message = choice.message();
    List<ToolCall> calls = new ArrayList<>();
    for (ChatCompletionMessageToolCall c : message.toolCalls().orElse(List.of())) {
      c.function().ifPresent(f -> calls.add(new ToolCall(f.id(), f.function().name(), f.function().arguments())));
    }
    String text = message.content().orElse("");
    FinishReason finish = FinishReason.fromWire(choice.finishReason().asString());
    Optional<String> refusal = message.refusal().filter(r -> !r.isEmpty());
    if (refusal.isPresent() && text.isEmpty() && calls.isEmpty()) {
      text = refusal.get();
      finish = FinishReason.REFUSAL;
    }
    return new ChatResponse(text, finish, usage(completion.usage()), provider, completion.model(), calls);
  }

  /** One chunk of a stream: its first choice's deltas and finish reason, the usage when this chunk has it. */
  public static ChatChunk toSluice(ChatCompletionChunk chunk) {
    TokenUsage usage = chunk.usage().isPresent() ? usage(chunk.usage()) : null;
    if (chunk.choices().isEmpty()) {
      return new ChatChunk("", "", List.of(), null, usage, chunk.model());
    }
    ChatCompletionChunk.Choice choice = chunk.choices().get(0);
    ChatCompletionChunk.Choice.Delta delta = choice.delta();
    List<ToolCallDelta> calls = new ArrayList<>();
    for (ChatCompletionChunk.Choice.Delta.ToolCall c : delta.toolCalls().orElse(List.of())) {
      calls.add(new ToolCallDelta(Math.toIntExact(c.index()), c.id().orElse(null),
          c.function().flatMap(f -> f.name()).orElse(null), c.function().flatMap(f -> f.arguments()).orElse("")));
    }
    FinishReason finish = choice.finishReason().map(f -> FinishReason.fromWire(f.asString())).orElse(null);
    return new ChatChunk(delta.content().orElse(""), delta.refusal().orElse(""), calls, finish, usage, chunk.model());
  }

  private static TokenUsage usage(Optional<CompletionUsage> reported) {
    if (reported.isEmpty()) {
      return TokenUsage.UNKNOWN;
    }
    CompletionUsage u = reported.get();
    long cached = u.promptTokensDetails().flatMap(d -> d.cachedTokens()).orElse(0L);
    return new TokenUsage(u.promptTokens(), u.completionTokens(), Math.min(cached, u.promptTokens()));
  }
}
