package dev.sluice.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Fixtures;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.audit.AuditEvent;
import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.Guardrails;
import dev.sluice.guardrail.InputGuardrail;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ToolDefinition;
import dev.sluice.pipeline.CallContext;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * An agent's loop through Sluice against a server on 127.0.0.1: the model asks for two tool calls
 * at once, the application runs them and sends their results back by id, the model answers. Every
 * request the server receives is valid against the official request schema; the tool results keep
 * their ids when an input guardrail rewrites them; the audit names the calls without their text.
 */
class ToolRoundTripTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static String toolCallsAnswer() {
    return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
        + "{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"lookup_order\",\"arguments\":\"{\\\"id\\\":\\\"A-17\\\"}\"}},"
        + "{\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"lookup_order\",\"arguments\":\"{\\\"id\\\":\\\"B-2\\\"}\"}}]},"
        + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":80,\"completion_tokens\":30}}";
  }

  /** Redacts a made-up account number wherever it appears: a rewrite of a tool result. */
  static final class AccountNumbers implements InputGuardrail {
    @Override
    public String name() {
      return "account-numbers";
    }

    @Override
    public GuardrailResult check(String text, CallContext call) {
      String out = text.replaceAll("ACCT-[0-9]{6}", "<ACCOUNT>");
      return out.equals(text) ? GuardrailResult.pass() : GuardrailResult.rewrite(out, "account number");
    }
  }

  @Test
  void parallelToolCallsGoOutAndTheirResultsComeBackByIdThroughTheWholePipeline() throws Exception {
    List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    try (FaultServer server = new FaultServer(List.of(FaultServer.json(200, toolCallsAnswer())),
        FaultServer.json(200, FaultServer.completion("A-17 has shipped; B-2 was lost and is refunded.", "stop", 140, 20, 0)))) {
      OpenAiCompatibleClient client = OpenAiCompatibleClient.builder().baseUrl(server.baseUrl()).build();
      Sluice sluice = Sluice.builder()
          .route(Route.builder("agent").baseline(Fixtures.variant("v1", client, "gpt-4o-mini", "p1"))
              .guardrails(Guardrails.builder().input(new AccountNumbers()).build()).build())
          .meterRegistry(new SimpleMeterRegistry()).auditSink(audit::add).build();
      ToolDefinition lookup = new ToolDefinition("lookup_order", "Looks up an order by id",
          "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},\"required\":[\"id\"]}");

      ChatRequest first = ChatRequest.builder().user("Where are orders A-17 and B-2?").tool(lookup).build();
      SluiceResponse asked = sluice.call("agent", first, Subject.of("u1"));
      assertThat(asked.chatResponse().finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
      List<ToolCall> calls = asked.chatResponse().toolCalls();
      assertThat(calls).extracting(ToolCall::id).containsExactly("call_1", "call_2");

      ChatRequest.Builder next = first.toBuilder().assistant(asked.text(), calls);
      List<String> results = new ArrayList<>();
      for (ToolCall c : calls) {
        String result = c.argumentsJson().contains("A-17") ? "{\"status\":\"shipped\"}" : "{\"status\":\"lost\",\"account\":\"ACCT-123456\"}";
        results.add(result);
        next.toolResult(c.id(), result);
      }
      SluiceResponse answer = sluice.call("agent", next.build(), Subject.of("u1"));
      assertThat(answer.text()).contains("A-17 has shipped");

      JsonNode second = JSON.readTree(server.requestBodies.get(1));
      assertThat(OpenAiRequestSchemaTest.problems(second)).as("the second request against the official schema").isEmpty();
      JsonNode messages = second.path("messages");
      assertThat(messages.get(1).path("tool_calls")).hasSize(2);
      assertThat(messages.get(2).path("tool_call_id").asText()).isEqualTo("call_1");
      assertThat(messages.get(3).path("tool_call_id").asText()).as("kept through the guardrail's rewrite").isEqualTo("call_2");
      assertThat(messages.get(3).path("content").asText()).contains("<ACCOUNT>").doesNotContain("ACCT-123456");
      @SuppressWarnings("unchecked")
      List<java.util.Map<String, Object>> audited = (List<java.util.Map<String, Object>>) audit.get(0).details().get("tool_calls");
      assertThat(audited).hasSize(2).allSatisfy(c ->
          assertThat(c).containsEntry("name", "lookup_order").containsKey("argument_chars").doesNotContainKey("arguments"));
      assertThat(audit.get(1).requestFingerprint()).isNotEqualTo(audit.get(0).requestFingerprint());
      sluice.close();
    }
  }
}
