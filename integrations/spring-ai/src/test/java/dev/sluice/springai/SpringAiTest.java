package dev.sluice.springai;

import dev.sluice.testkit.ChatCompletionsStub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.audit.AuditEvent;
import dev.sluice.model.ModelClient;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.retry.support.RetryTemplate;

/**
 * A Spring AI ChatClient app gets Sluice from its model bean: calls go through a route whose
 * variant is Spring AI's real OpenAI model against a server on 127.0.0.1 (or the simulated model,
 * for streams). Retries, usage, cost, labels, tool calls run by Spring AI's tool manager, and
 * streams come through.
 */
class SpringAiTest {

  static final class Orders {
    final List<String> looked = new CopyOnWriteArrayList<>();

    @Tool(description = "Looks up an order by its id")
    String lookupOrder(String id) {
      looked.add(id);
      return "order " + id + " has shipped";
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();
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

  ChatClient client(ModelClient variantClient) {
    sluice = Sluice.builder()
        .route(Route.builder("support")
            .baseline(Variant.builder("v1").client(variantClient).model("gpt-4o-mini")
                .labels(VersionLabels.builder().promptVersion("support-v7").build()).build())
            .resilience(ResiliencePolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0).build())
            .build())
        .meterRegistry(new SimpleMeterRegistry()).auditSink(audit::add).build();
    return ChatClient.create(SluiceSpringAiChatModel.builder(sluice, "support").build());
  }

  /** Spring AI's OpenAI model against the server, its own retries off (Sluice retries). */
  ModelClient openAi(ChatCompletionsStub s) {
    this.server = s;
    OpenAiChatModel model = OpenAiChatModel.builder()
        .openAiApi(OpenAiApi.builder().baseUrl("http://127.0.0.1:" + s.port()).apiKey("test-key").build())
        .defaultOptions(OpenAiChatOptions.builder().model("gpt-4o-mini").build())
        .retryTemplate(RetryTemplate.builder().maxAttempts(1).build())
        .build();
    return SpringAiModelClient.of(model, "openai");
  }

  @Test
  void aChatClientGetsRetriesUsageCostAndLabelsFromOneBean() throws Exception {
    ChatClient chat = client(openAi(new ChatCompletionsStub(List.of(ChatCompletionsStub.error(503), ChatCompletionsStub.text("Open Settings, then Security.", 20, 8)))));

    String answer;
    try (var bound = Subject.bind(Subject.builder().routingKey("user-42").tenant("acme").build())) {
      answer = chat.prompt().user("How do I reset my password?").call().content();
    }

    assertThat(answer).isEqualTo("Open Settings, then Security.");
    assertThat(server.requests()).as("the 503 was retried by Sluice").hasSize(2);
    AuditEvent e = audit.get(0);
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e.usage()).containsEntry("input", 20L).containsEntry("output", 8L);
    assertThat(e.costUsd()).isNotNull();
    assertThat(e.labels()).containsEntry("prompt_version", "support-v7");
    assertThat(e.tenant()).isEqualTo("acme");
  }

  @Test
  void toolsAreRunBySpringAiAndTheirResultsGoBackThroughTheRoute() throws Exception {
    ChatClient chat = client(openAi(new ChatCompletionsStub(List.of(ChatCompletionsStub.toolCall("call_1", "lookupOrder", "{\"id\":\"A-17\"}"),
        ChatCompletionsStub.text("A-17 has shipped.", 70, 6)))));
    Orders orders = new Orders();

    assertThat(chat.prompt().user("Where is order A-17?").tools(orders).call().content()).isEqualTo("A-17 has shipped.");
    assertThat(orders.looked).containsExactly("A-17");
    JsonNode first = JSON.readTree(server.requests().get(0));
    assertThat(first.path("tools").get(0).path("function").path("name").asText()).isEqualTo("lookupOrder");
    JsonNode second = JSON.readTree(server.requests().get(1)).path("messages");
    JsonNode toolTurn = second.get(second.size() - 1);
    assertThat(toolTurn.path("role").asText()).isEqualTo("tool");
    assertThat(toolTurn.path("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(audit).as("two rounds, two calls of the route").hasSize(2);
    assertThat(audit.get(0).details()).containsKey("tool_calls");
  }

  @Test
  void aChatClientStreamsThroughTheRoute() {
    ChatClient chat = client(SimulatedModelClient.builder().latency(Duration.ofMillis(40), Duration.ofMillis(60))
        .text("Open Settings, then Security, then Reset.").build());

    List<String> parts = chat.prompt().user("reset?").stream().content().collectList().block(Duration.ofSeconds(10));

    assertThat(parts).hasSizeGreaterThan(3);
    assertThat(String.join("", parts)).isEqualTo("Open Settings, then Security, then Reset.");
    assertThat(audit).singleElement().satisfies(e -> assertThat(e.details()).containsKey("time_to_first_chunk_ms"));
  }
}
