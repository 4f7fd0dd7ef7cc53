package dev.sluice.langchain4j.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.sluice.SluiceResponse;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.ResponseFormat;
import dev.sluice.model.TokenUsage;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ToolDefinition;
import dev.sluice.outcome.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Requests and answers between LangChain4j's vocabulary and Sluice's, both ways: messages (with
 * tool calls and tool results), parameters, tools, response format, usage and finish reason.
 * What has no counterpart is said so: a user message with images or audio is refused (Sluice's
 * messages are text), never silently reduced to its text.
 */
public final class Messages {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Messages() {}

  // LangChain4j -> Sluice

  /** A LangChain4j request as Sluice's. The model name is left to the route's variant. */
  public static ChatRequest toSluice(dev.langchain4j.model.chat.request.ChatRequest request) {
    ChatRequest.Builder b = ChatRequest.builder();
    for (dev.langchain4j.data.message.ChatMessage m : request.messages()) {
      b.message(toSluice(m));
    }
    ChatRequestParameters p = request.parameters();
    ModelParameters.Builder mp = ModelParameters.builder();
    if (p.temperature() != null) mp.temperature(p.temperature());
    if (p.topP() != null) mp.topP(p.topP());
    if (p.maxOutputTokens() != null) mp.maxOutputTokens(p.maxOutputTokens());
    if (p.stopSequences() != null && !p.stopSequences().isEmpty()) mp.stop(p.stopSequences());
    b.parameters(mp.build());
    if (p.toolSpecifications() != null) {
      for (ToolSpecification t : p.toolSpecifications()) {
        b.tool(new ToolDefinition(t.name(), t.description() == null ? "" : t.description(), schemaText(t.parameters())));
      }
    }
    dev.langchain4j.model.chat.request.ResponseFormat rf = p.responseFormat();
    if (rf != null && rf.type() == ResponseFormatType.JSON) {
      JsonSchema schema = rf.jsonSchema();
      b.responseFormat(schema == null ? ResponseFormat.JSON_OBJECT
          : ResponseFormat.jsonSchema(schema.name() == null ? "answer" : schema.name(), schemaText(schema.rootElement())));
    }
    return b.build();
  }

  private static ChatMessage toSluice(dev.langchain4j.data.message.ChatMessage m) {
    if (m instanceof SystemMessage s) {
      return ChatMessage.system(s.text());
    }
    if (m instanceof UserMessage u) {
      if (!u.hasSingleText()) {
        throw new InvalidConfigurationException("langchain4j.message", "a user message with images, audio or files; Sluice's messages are text");
      }
      return ChatMessage.user(u.singleText());
    }
    if (m instanceof AiMessage a) {
      List<ToolCall> calls = new ArrayList<>();
      if (a.hasToolExecutionRequests()) {
        for (ToolExecutionRequest r : a.toolExecutionRequests()) {
          calls.add(new ToolCall(nonNull(r.id()), nonNull(r.name()), nonNull(r.arguments())));
        }
      }
      return ChatMessage.assistant(a.text() == null ? "" : a.text(), calls);
    }
    if (m instanceof ToolExecutionResultMessage t) {
      return ChatMessage.tool(t.id(), t.text());
    }
    throw new InvalidConfigurationException("langchain4j.message", m.type().toString(), "system, user, AI or tool-result messages");
  }

  /** A LangChain4j JSON schema element as JSON Schema text. */
  private static String schemaText(@Nullable Object element) {
    if (element == null) {
      return "{\"type\":\"object\",\"properties\":{}}";
    }
    try {
      return JSON.writeValueAsString(JsonSchemaElementUtils.toMap((dev.langchain4j.model.chat.request.json.JsonSchemaElement) element));
    } catch (JsonProcessingException e) {
      throw new InvalidConfigurationException("langchain4j.tool.parameters", "cannot be written as JSON: " + e.getOriginalMessage());
    }
  }

  /** A Sluice answer as LangChain4j's, with the call's usage and the model that answered. */
  public static dev.langchain4j.model.chat.response.ChatResponse toLangChain4j(SluiceResponse response) {
    ChatResponse r = response.chatResponse();
    return dev.langchain4j.model.chat.response.ChatResponse.builder()
        .aiMessage(aiMessage(r))
        .metadata(ChatResponseMetadata.builder().id(response.callId()).modelName(r.responseModel())
            .tokenUsage(tokenUsage(response.usage())).finishReason(finishReason(r.finishReason())).build())
        .build();
  }

  private static AiMessage aiMessage(ChatResponse r) {
    if (r.toolCalls().isEmpty()) {
      return AiMessage.from(r.text());
    }
    List<ToolExecutionRequest> requests = new ArrayList<>();
    for (ToolCall c : r.toolCalls()) {
      requests.add(ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.argumentsJson()).build());
    }
    return r.text().isEmpty() ? AiMessage.from(requests) : AiMessage.from(r.text(), requests);
  }

  private static dev.langchain4j.model.output.@Nullable TokenUsage tokenUsage(TokenUsage u) {
    return u.reported() ? new dev.langchain4j.model.output.TokenUsage(clamp(u.inputTokens()), clamp(u.outputTokens())) : null;
  }

  private static int clamp(long n) {
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static dev.langchain4j.model.output.FinishReason finishReason(FinishReason f) {
    return switch (f) {
      case STOP, REFUSAL -> dev.langchain4j.model.output.FinishReason.STOP;
      case LENGTH -> dev.langchain4j.model.output.FinishReason.LENGTH;
      case TOOL_CALLS -> dev.langchain4j.model.output.FinishReason.TOOL_EXECUTION;
      case CONTENT_FILTER -> dev.langchain4j.model.output.FinishReason.CONTENT_FILTER;
      case OTHER -> dev.langchain4j.model.output.FinishReason.OTHER;
    };
  }

  // Sluice -> LangChain4j

  /** A Sluice request (as a variant prepared it: its model, system prompt and parameters) as LangChain4j's. */
  public static dev.langchain4j.model.chat.request.ChatRequest toLangChain4j(ChatRequest request) {
    List<dev.langchain4j.data.message.ChatMessage> messages = new ArrayList<>();
    Map<String, String> toolNames = new java.util.HashMap<>();
    for (ChatMessage m : request.messages()) {
      m.toolCalls().forEach(c -> toolNames.put(c.id(), c.name()));
      messages.add(toLangChain4j(m, toolNames));
    }
    var p = dev.langchain4j.model.chat.request.ChatRequestParameters.builder();
    ModelParameters mp = request.parameters();
    if (request.model() != null) p.modelName(request.model());
    if (mp.temperature() != null) p.temperature(mp.temperature());
    if (mp.topP() != null) p.topP(mp.topP());
    if (mp.maxOutputTokens() != null) p.maxOutputTokens(mp.maxOutputTokens());
    if (!mp.stop().isEmpty()) p.stopSequences(mp.stop());
    if (!request.tools().isEmpty()) {
      List<ToolSpecification> tools = new ArrayList<>();
      for (ToolDefinition t : request.tools()) {
        tools.add(ToolSpecification.builder().name(t.name()).description(t.description()).parameters(objectSchema(t.parametersSchema(),
            "tool[" + t.name() + "].parametersSchema")).build());
      }
      p.toolSpecifications(tools);
    }
    switch (request.responseFormat().type()) {
      case JSON_OBJECT -> p.responseFormat(dev.langchain4j.model.chat.request.ResponseFormat.JSON);
      case JSON_SCHEMA -> p.responseFormat(dev.langchain4j.model.chat.request.ResponseFormat.builder().type(ResponseFormatType.JSON)
          .jsonSchema(JsonSchema.builder().name(request.responseFormat().schemaName())
              .rootElement(objectSchema(java.util.Objects.requireNonNull(request.responseFormat().schema(), "schema"), "responseFormat.schema"))
              .build()).build());
      default -> { }
    }
    return dev.langchain4j.model.chat.request.ChatRequest.builder().messages(messages).parameters(p.build()).build();
  }

  /** One message; a tool result names its tool, found by its call's id among the assistant's calls before it. */
  private static dev.langchain4j.data.message.ChatMessage toLangChain4j(ChatMessage m, Map<String, String> toolNames) {
    return switch (m.role()) {
      case SYSTEM -> SystemMessage.from(m.content());
      case USER -> UserMessage.from(m.content());
      case ASSISTANT -> {
        if (m.toolCalls().isEmpty()) {
          yield AiMessage.from(m.content());
        }
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (ToolCall c : m.toolCalls()) {
          calls.add(ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.argumentsJson()).build());
        }
        yield m.content().isEmpty() ? AiMessage.from(calls) : AiMessage.from(m.content(), calls);
      }
      case TOOL -> {
        String id = java.util.Objects.requireNonNull(m.toolCallId(), "toolCallId");
        yield ToolExecutionResultMessage.from(id, toolNames.getOrDefault(id, ""), m.content());
      }
    };
  }

  /**
   * JSON Schema text as LangChain4j's object schema: each property kept as raw JSON Schema
   * ({@link JsonRawSchema}), with the required list, description and additional properties.
   */
  static JsonObjectSchema objectSchema(String schema, String field) {
    JsonNode root;
    try {
      root = JSON.readTree(schema);
    } catch (JsonProcessingException e) {
      throw new InvalidConfigurationException(field, "is not valid JSON");
    }
    if (!"object".equals(root.path("type").asText("object"))) {
      throw new InvalidConfigurationException(field, root.path("type").asText(), "an object schema (LangChain4j's tools and answers are objects)");
    }
    JsonObjectSchema.Builder b = JsonObjectSchema.builder();
    if (root.path("description").isTextual()) {
      b.description(root.path("description").asText());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      b.addProperty(e.getKey(), JsonRawSchema.from(e.getValue().toString()));
    }
    List<String> required = new ArrayList<>();
    root.path("required").forEach(r -> required.add(r.asText()));
    if (!required.isEmpty()) {
      b.required(required);
    }
    if (root.path("additionalProperties").isBoolean()) {
      b.additionalProperties(root.path("additionalProperties").asBoolean());
    }
    return b.build();
  }

  /** A LangChain4j answer as Sluice's. */
  public static ChatResponse toSluice(dev.langchain4j.model.chat.response.ChatResponse r, String provider, String requestModel) {
    AiMessage a = r.aiMessage();
    List<ToolCall> calls = new ArrayList<>();
    if (a.hasToolExecutionRequests()) {
      for (ToolExecutionRequest t : a.toolExecutionRequests()) {
        calls.add(new ToolCall(nonNull(t.id()), nonNull(t.name()), nonNull(t.arguments())));
      }
    }
    dev.langchain4j.model.output.TokenUsage u = r.metadata() == null ? null : r.metadata().tokenUsage();
    TokenUsage usage = u == null || u.inputTokenCount() == null || u.outputTokenCount() == null || u.inputTokenCount() < 0
        || u.outputTokenCount() < 0 ? TokenUsage.UNKNOWN : TokenUsage.of(u.inputTokenCount(), u.outputTokenCount());
    String model = r.metadata() != null && r.metadata().modelName() != null ? r.metadata().modelName() : requestModel;
    FinishReason finish = r.metadata() == null || r.metadata().finishReason() == null ? (calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS)
        : switch (r.metadata().finishReason()) {
          case STOP -> FinishReason.STOP;
          case LENGTH -> FinishReason.LENGTH;
          case TOOL_EXECUTION -> FinishReason.TOOL_CALLS;
          case CONTENT_FILTER -> FinishReason.CONTENT_FILTER;
          case OTHER -> FinishReason.OTHER;
        };
    return new ChatResponse(a.text() == null ? "" : a.text(), finish, usage, provider, model, calls);
  }

  private static String nonNull(@Nullable String s) {
    return s == null ? "" : s;
  }
}
