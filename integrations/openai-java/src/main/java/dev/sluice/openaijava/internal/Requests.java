package dev.sluice.openaijava.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ToolDefinition;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/** A Sluice request as the SDK's {@link ChatCompletionCreateParams}. */
public final class Requests {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Requests() {}

  /** The request for a whole answer. */
  public static ChatCompletionCreateParams toParams(ChatRequest request) {
    return builder(request).build();
  }

  /** The request for a streamed answer: with {@code stream_options.include_usage}, so the last chunk carries the usage. */
  public static ChatCompletionCreateParams toStreamingParams(ChatRequest request) {
    return builder(request).streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
  }

  private static ChatCompletionCreateParams.Builder builder(ChatRequest request) {
    String model = request.model();
    if (model == null) {
      throw new InvalidConfigurationException("model", "(none)", "the variant's model; the request names none");
    }
    ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(model);
    for (ChatMessage m : request.messages()) {
      switch (m.role()) {
        case SYSTEM -> b.addSystemMessage(m.content());
        case USER -> b.addUserMessage(m.content());
        case TOOL -> b.addMessage(ChatCompletionToolMessageParam.builder()
            .toolCallId(java.util.Objects.requireNonNull(m.toolCallId(), "toolCallId")).content(m.content()).build());
        case ASSISTANT -> b.addMessage(assistant(m));
      }
    }
    ModelParameters p = request.parameters();
    if (p.maxOutputTokens() != null) {
      b.maxCompletionTokens(p.maxOutputTokens().longValue());
    }
    if (p.temperature() != null) {
      b.temperature(p.temperature());
    }
    if (p.topP() != null) {
      b.topP(p.topP());
    }
    if (!p.stop().isEmpty()) {
      b.stopOfStrings(p.stop());
    }
    if (p.seed() != null) {
      b.seed(p.seed());
    }
    for (ToolDefinition t : request.tools()) {
      b.addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
          .name(t.name()).description(t.description())
          .parameters(FunctionParameters.builder().additionalProperties(properties(t.parametersSchema(), "tools.parameters")).build())
          .build()).build());
    }
    switch (request.responseFormat().type()) {
      case JSON_OBJECT -> b.responseFormat(ResponseFormatJsonObject.builder().build());
      case JSON_SCHEMA -> b.responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
          .name(java.util.Objects.requireNonNull(request.responseFormat().schemaName(), "schemaName")).strict(true)
          .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
              .additionalProperties(properties(java.util.Objects.requireNonNull(request.responseFormat().schema(), "schema"),
                  "response_format.schema"))
              .build())
          .build()).build());
      case TEXT -> { }
    }
    return b;
  }

  private static ChatCompletionAssistantMessageParam assistant(ChatMessage m) {
    ChatCompletionAssistantMessageParam.Builder a = ChatCompletionAssistantMessageParam.builder();
    if (m.toolCalls().isEmpty() || !m.content().isEmpty()) {
      a.content(m.content());
    }
    for (ToolCall c : m.toolCalls()) {
      a.addToolCall(ChatCompletionMessageFunctionToolCall.builder().id(c.id())
          .function(ChatCompletionMessageFunctionToolCall.Function.builder().name(c.name()).arguments(c.argumentsJson()).build())
          .build());
    }
    return a.build();
  }

  /** A JSON object's members as the SDK's values (for a schema, whose shape the SDK leaves open). */
  private static Map<String, JsonValue> properties(String json, String field) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw new InvalidConfigurationException(field, "is not JSON");
    }
    if (node == null || !node.isObject()) {
      throw new InvalidConfigurationException(field, "(a schema)", "a JSON object");
    }
    Map<String, JsonValue> out = new java.util.LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), JsonValue.fromJsonNode(e.getValue()));
    }
    return out;
  }
}
