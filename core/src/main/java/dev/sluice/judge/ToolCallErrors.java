package dev.sluice.judge;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ToolCall;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Whether an answer's tool calls are malformed: a call without a tool name, or whose arguments are
 * not one JSON object (the form every provider's tool calling promises), the failures a new model
 * or prompt introduces and a tool cannot run. The arguments are read as a token stream, never
 * built into a tree: linear in their length, bounded by the answer's size limit.
 */
final class ToolCallErrors {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ToolCallErrors() {}

  /** Whether any of the answer's tool calls is malformed; false without an answer or tool calls. */
  static boolean any(@Nullable ChatResponse response) {
    if (response == null || response.toolCalls().isEmpty()) {
      return false;
    }
    for (ToolCall c : response.toolCalls()) {
      if (c.name().isBlank() || !isObject(c.argumentsJson())) {
        return true;
      }
    }
    return false;
  }

  /** Whether the text is exactly one JSON object (whitespace around it allowed). */
  static boolean isObject(String json) {
    try (JsonParser p = JSON.getFactory().createParser(json)) {
      p.configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, false);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
