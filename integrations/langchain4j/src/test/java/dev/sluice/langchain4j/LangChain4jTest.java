package dev.sluice.langchain4j;

import dev.sluice.testkit.ChatCompletionsStub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.audit.AuditEvent;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A LangChain4j AI Service, unchanged but for its model bean, gets Sluice: its calls go through a
 * route whose variant is LangChain4j's real OpenAI model against a server on 127.0.0.1. Retries,
 * usage, cost, labels, meters, tool calls both ways and Sluice's failures come through.
 */
class LangChain4jTest {

  interface Assistant {
    String chat(String message);
  }

  static final class Orders {
    final List<String> looked = new CopyOnWriteArrayList<>();

    @Tool("Looks up an order by its id")
    String lookupOrder(String id) {
      looked.add(id);
      return "order " + id + " has shipped";
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  ChatCompletionsStub server;
  Sluice sluice;

  @AfterEach
  void close() {
    if (sluice != null) {
      sluice.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A route whose variant is LangChain4j's OpenAI model (its own retries off: Sluice retries). */
  ChatModel routed(ChatCompletionsStub s) {
    this.server = s;
    ChatModel openAi = OpenAiChatModel.builder().baseUrl(s.baseUrl()).apiKey("test-key").modelName("gpt-4o-mini").maxRetries(0)
        .timeout(Duration.ofSeconds(5)).build();
    sluice = Sluice.builder()
        .route(Route.builder("support")
            .baseline(Variant.builder("v1").client(LangChain4jModelClient.of(openAi, "openai")).model("gpt-4o-mini")
                .systemPrompt("You are a terse support agent.")
                .labels(VersionLabels.builder().promptVersion("support-v7").build()).build())
            .resilience(ResiliencePolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0).build())
            .build())
        .meterRegistry(registry).auditSink(audit::add).build();
    return SluiceChatModel.builder(sluice, "support").build();
  }

  @Test
  void anAiServiceGetsRetriesUsageCostLabelsAndMetersFromOneBean() throws Exception {
    ChatModel model = routed(new ChatCompletionsStub(List.of(ChatCompletionsStub.error(429), ChatCompletionsStub.text("Open Settings, then Security.", 20, 8))));
    Assistant assistant = AiServices.create(Assistant.class, model);

    String answer;
    try (var bound = Subject.bind(Subject.builder().routingKey("user-42").tenant("acme").build())) {
      answer = assistant.chat("How do I reset my password?");
    }

    assertThat(answer).isEqualTo("Open Settings, then Security.");
    assertThat(server.requests()).as("the 429 was retried by Sluice").hasSize(2);
    JsonNode sent = JSON.readTree(server.requests().get(1));
    assertThat(sent.path("messages").get(0).path("content").asText()).as("the variant's system prompt").isEqualTo("You are a terse support agent.");
    assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
    AuditEvent e = audit.get(0);
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e.usage()).containsEntry("input", 20L).containsEntry("output", 8L);
    assertThat(e.costUsd()).isNotNull();
    assertThat(e.labels()).containsEntry("prompt_version", "support-v7");
    assertThat(e.tenant()).isEqualTo("acme");
    assertThat(registry.get("gen_ai.client.operation.duration").tag("gen_ai.provider.name", "openai").tag("error.type", "rate_limited")
        .timer().count()).isEqualTo(1);
  }

  @Test
  void toolCallsGoBothWaysThroughSluice() throws Exception {
    ChatModel model = routed(new ChatCompletionsStub(List.of(ChatCompletionsStub.toolCall("call_1", "lookupOrder", "{\"id\":\"A-17\"}"),
        ChatCompletionsStub.text("A-17 has shipped.", 70, 6))));
    Orders orders = new Orders();
    Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(orders).build();

    assertThat(assistant.chat("Where is order A-17?")).isEqualTo("A-17 has shipped.");
    assertThat(orders.looked).containsExactly("A-17");
    JsonNode first = JSON.readTree(server.requests().get(0));
    assertThat(first.path("tools").get(0).path("function").path("name").asText()).isEqualTo("lookupOrder");
    assertThat(first.path("tools").get(0).path("function").path("parameters").path("properties").has("id"))
        .as("the tool's schema survives both translations").isTrue();
    JsonNode second = JSON.readTree(server.requests().get(1)).path("messages");
    JsonNode assistantTurn = second.get(second.size() - 2);
    assertThat(assistantTurn.path("tool_calls").get(0).path("id").asText()).isEqualTo("call_1");
    JsonNode toolTurn = second.get(second.size() - 1);
    assertThat(toolTurn.path("role").asText()).isEqualTo("tool");
    assertThat(toolTurn.path("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(toolTurn.path("content").asText()).isEqualTo("order A-17 has shipped");
    assertThat(audit.get(0).details()).containsKey("tool_calls");
  }

  @Test
  void whenEveryAttemptFailsTheServiceSeesSluicesException() throws Exception {
    ChatModel model = routed(new ChatCompletionsStub(List.of(ChatCompletionsStub.error(503))));
    Assistant assistant = AiServices.create(Assistant.class, model);

    assertThatThrownBy(() -> assistant.chat("hello")).isInstanceOf(ModelCallException.class)
        .satisfies(t -> assertThat(((ModelCallException) t).kind()).isEqualTo(ModelCallException.Kind.SERVER_ERROR));
    assertThat(server.requests()).hasSize(3);
    assertThat(audit.get(0).outcome()).isEqualTo("error");
  }
}
