package dev.sluice.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.ResponseFormat;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ToolDefinition;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every request the OpenAI-compatible client builds is valid against the request schema of the
 * official OpenAI OpenAPI document (vendored under {@code src/test/resources/openai}, MIT, with the
 * script that extracted it): plain chats, tools, parallel tool calls and their results, JSON schema
 * answers, stop sequences, both max-tokens fields, and streams.
 */
class OpenAiRequestSchemaTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Schema SCHEMA = load();

  static Schema load() {
    try (InputStream in = OpenAiRequestSchemaTest.class.getResourceAsStream("/openai/chat-completions-request.schema.json")) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(JSON.readTree(in));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<String> problems(JsonNode body) {
    return SCHEMA.validate(body).stream().map(Error::toString).toList();
  }

  static final String SCHEMA_JSON = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},\"required\":[\"id\"],"
      + "\"additionalProperties\":false}";

  OpenAiCompatibleClient client(String maxTokensField) {
    return OpenAiCompatibleClient.builder().baseUrl("http://127.0.0.1:1/v1").maxTokensField(maxTokensField).build();
  }

  Map<String, ChatRequest> requests() {
    ToolDefinition lookup = new ToolDefinition("lookup_order", "Looks up an order by id", SCHEMA_JSON);
    ToolDefinition refund = new ToolDefinition("refund_order", "Refunds an order by id", SCHEMA_JSON);
    return Map.of(
        "plain", ChatRequest.ofUser("Where is my order?"),
        "system, history, parameters", ChatRequest.builder().system("You are terse.").user("hi").assistant("Hello.").user("order?")
            .parameters(ModelParameters.builder().temperature(0.2).topP(0.9).maxOutputTokens(300).seed(7)
                .stop(List.of("\n\n", "END")).build()).build(),
        "json schema answer", ChatRequest.builder().user("order as JSON")
            .responseFormat(ResponseFormat.jsonSchema("order", SCHEMA_JSON)).build(),
        "json object answer", ChatRequest.builder().user("order as JSON").responseFormat(ResponseFormat.JSON_OBJECT).build(),
        "tools offered", ChatRequest.builder().user("Where is A-17?").tool(lookup).tool(refund).build(),
        "parallel tool calls and their results", ChatRequest.builder().user("Where are A-17 and B-2? Refund B-2.").tool(lookup).tool(refund)
            .assistant("", List.of(new ToolCall("call_1", "lookup_order", "{\"id\":\"A-17\"}"),
                new ToolCall("call_2", "lookup_order", "{\"id\":\"B-2\"}"), new ToolCall("call_3", "refund_order", "{\"id\":\"B-2\"}")))
            .toolResult("call_1", "{\"status\":\"shipped\"}")
            .toolResult("call_2", "{\"status\":\"lost\"}")
            .toolResult("call_3", "{\"refunded\":true}")
            .build(),
        "tool call with text", ChatRequest.builder().user("Where is A-17?").tool(lookup)
            .assistant("Let me look that up.", List.of(new ToolCall("call_9", "lookup_order", "{\"id\":\"A-17\"}")))
            .toolResult("call_9", "shipped").build());
  }

  @Test
  void everyRequestShapeIsValidAgainstTheOfficialSchema() {
    for (String field : List.of("max_tokens", "max_completion_tokens")) {
      OpenAiCompatibleClient c = client(field);
      requests().forEach((name, request) -> {
        ObjectNode body = c.requestBody(request, "gpt-4o-mini");
        assertThat(problems(body)).as("%s (%s): %s", name, field, body).isEmpty();
        ObjectNode streamed = body.deepCopy().put("stream", true);
        streamed.putObject("stream_options").put("include_usage", true);
        assertThat(problems(streamed)).as("%s, streamed", name).isEmpty();
      });
    }
  }

  @Test
  void theSchemaRejectsWhatTheApiRejects() {
    ObjectNode body = client("max_tokens").requestBody(requests().get("parallel tool calls and their results"), "gpt-4o-mini");
    ((ObjectNode) body.withArray("messages").get(1)).put("role", "robot");
    assertThat(problems(body)).as("an unknown role").isNotEmpty();
    ObjectNode noId = client("max_tokens").requestBody(requests().get("parallel tool calls and their results"), "gpt-4o-mini");
    ((ObjectNode) noId.withArray("messages").get(2)).remove("tool_call_id");
    assertThat(problems(noId)).as("a tool result without the id of its call").isNotEmpty();
  }

  @Test
  void toolTurnsAreWrittenAsTheApiDocumentsThem() {
    ObjectNode body = client("max_tokens").requestBody(requests().get("parallel tool calls and their results"), "gpt-4o-mini");
    JsonNode assistant = body.path("messages").get(1);
    assertThat(assistant.path("content").isNull()).as("an assistant turn that only calls tools has null content").isTrue();
    assertThat(assistant.path("tool_calls")).hasSize(3);
    assertThat(assistant.path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{\"id\":\"A-17\"}");
    assertThat(body.path("messages").get(2).path("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(body.path("messages").get(4).path("role").asText()).isEqualTo("tool");
  }
}
