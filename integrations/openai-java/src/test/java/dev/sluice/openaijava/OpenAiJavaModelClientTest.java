package dev.sluice.openaijava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.SluiceStream;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.ResponseFormat;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ToolDefinition;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import dev.sluice.testkit.ChatCompletionsStub;
import dev.sluice.testkit.ChatCompletionsStub.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The official SDK's real client, against a chat-completions server on 127.0.0.1, behind a Sluice route. */
class OpenAiJavaModelClientTest {

  static final ObjectMapper JSON = new ObjectMapper();

  final List<AutoCloseable> closing = new ArrayList<>();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  ChatCompletionsStub stub(Reply... script) throws Exception {
    ChatCompletionsStub s = new ChatCompletionsStub(List.of(script));
    closing.add(s);
    return s;
  }

  OpenAiJavaModelClient client(ChatCompletionsStub stub) {
    OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(stub.baseUrl()).apiKey("sk-test").maxRetries(0)
        .timeout(Duration.ofSeconds(10)).build();
    closing.add(openai::close);
    return OpenAiJavaModelClient.of(openai, "openai", URI.create(stub.baseUrl()), Executors.newCachedThreadPool());
  }

  Sluice sluice(OpenAiJavaModelClient client) {
    Sluice s = Sluice.builder()
        .route(Route.builder("support").baseline(Variant.builder("v1").client(client).model("gpt-4o-mini")
                .systemPrompt("You are brief.").labels(VersionLabels.builder().promptVersion("p7").build()).build())
            .resilience(ResiliencePolicy.builder().maxAttempts(3).attemptTimeout(Duration.ofSeconds(5))
                .backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0).build())
            .build())
        .meterRegistry(meters)
        .build();
    closing.add(s);
    return s;
  }

  @Test
  void aRateLimitIsRetriedBySluiceAndTheAnswerCarriesUsageCostAndLabels() throws Exception {
    ChatCompletionsStub stub = stub(ChatCompletionsStub.error(429), ChatCompletionsStub.text("Under Settings.", 120, 30));
    SluiceResponse r = sluice(client(stub)).call("support", ChatRequest.builder().user("How do I reset my password?")
        .parameters(ModelParameters.builder().maxOutputTokens(200).temperature(0.2).build()).build(), Subject.of("u1"));

    assertThat(r.text()).isEqualTo("Under Settings.");
    assertThat(r.attempts()).as("the SDK's retries are off; Sluice retried").isEqualTo(2);
    assertThat(stub.requests()).hasSize(2);
    assertThat(r.usage().inputTokens()).isEqualTo(120);
    assertThat(r.usage().outputTokens()).isEqualTo(30);
    assertThat(r.cost().isKnown()).isTrue();
    assertThat(r.cost().nanoUsd()).isPositive();
    assertThat(r.labels().promptVersion()).contains("p7");
    assertThat(r.chatResponse().responseModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    JsonNode sent = JSON.readTree(stub.requests().get(1));
    assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(200);
    assertThat(sent.has("max_tokens")).isFalse();
    assertThat(sent.has("seed")).as("seed only when asked").isFalse();
    assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(sent.path("messages").get(1).path("content").asText()).isEqualTo("How do I reset my password?");
    assertThat(meters.get("gen_ai.client.operation.duration").tag("error.type", "rate_limited").tag("server.address", "127.0.0.1")
        .timer().count()).isEqualTo(1);
    assertThat(meters.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input").summary().totalAmount()).isEqualTo(120);
  }

  @Test
  void aToolCallRoundTripSendsTheAssistantsCallsAndTheToolResultBack() throws Exception {
    ChatCompletionsStub stub = stub(ChatCompletionsStub.toolCall("call_1", "order_status", "{\"order\":\"A1\"}"),
        ChatCompletionsStub.text("It ships today.", 80, 5));
    Sluice sluice = sluice(client(stub));
    ToolDefinition tool = new ToolDefinition("order_status", "Looks an order up",
        "{\"type\":\"object\",\"properties\":{\"order\":{\"type\":\"string\"}},\"required\":[\"order\"]}");
    ChatRequest first = ChatRequest.builder().user("Where is order A1?").tool(tool).build();
    SluiceResponse asked = sluice.call("support", first, Subject.of("u1"));
    assertThat(asked.chatResponse().finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    ToolCall call = asked.chatResponse().toolCalls().get(0);
    assertThat(call).isEqualTo(new ToolCall("call_1", "order_status", "{\"order\":\"A1\"}"));

    SluiceResponse answered = sluice.call("support", ChatRequest.builder().user("Where is order A1?").tool(tool)
        .assistant("", List.of(call)).toolResult("call_1", "{\"status\":\"ships today\"}").build(), Subject.of("u1"));
    assertThat(answered.text()).isEqualTo("It ships today.");

    JsonNode sent = JSON.readTree(stub.requests().get(1));
    JsonNode messages = sent.path("messages");
    JsonNode assistant = messages.get(messages.size() - 2);
    assertThat(assistant.path("role").asText()).isEqualTo("assistant");
    assertThat(assistant.path("tool_calls").get(0).path("id").asText()).isEqualTo("call_1");
    assertThat(assistant.path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{\"order\":\"A1\"}");
    JsonNode result = messages.get(messages.size() - 1);
    assertThat(result.path("role").asText()).isEqualTo("tool");
    assertThat(result.path("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(sent.path("tools").get(0).path("function").path("parameters").path("required").get(0).asText()).isEqualTo("order");
  }

  @Test
  void aJsonSchemaResponseFormatAndStopSequencesAreSentAsTheSpecNamesThem() throws Exception {
    ChatCompletionsStub stub = stub(ChatCompletionsStub.text("{\\\"ok\\\":true}", 10, 3));
    client(stub).chat(ChatRequest.builder().model("gpt-4.1").user("x")
        .responseFormat(ResponseFormat.jsonSchema("verdict", "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}}}"))
        .parameters(ModelParameters.builder().stop(List.of("END", "STOP")).seed(7).build()).build());
    JsonNode sent = JSON.readTree(stub.requests().get(0));
    assertThat(sent.path("response_format").path("type").asText()).isEqualTo("json_schema");
    assertThat(sent.path("response_format").path("json_schema").path("name").asText()).isEqualTo("verdict");
    assertThat(sent.path("response_format").path("json_schema").path("schema").path("type").asText()).isEqualTo("object");
    assertThat(sent.path("stop")).hasSize(2);
    assertThat(sent.path("seed").asLong()).isEqualTo(7);
  }

  @Test
  void aStreamedAnswerArrivesInChunksWithItsUsage() throws Exception {
    ChatCompletionsStub stub = stub(ChatCompletionsStub.stream("Reset it under Settings.", 40, 5));
    SluiceStream stream = sluice(client(stub)).stream("support", ChatRequest.ofUser("How do I reset my password?"), Subject.of("u1"));
    StringBuilder text = new StringBuilder();
    int chunks = 0;
    for (ChatChunk c : stream) {
      text.append(c.text());
      chunks++;
    }
    SluiceResponse r = stream.response().join();
    assertThat(text.toString()).isEqualTo("Reset it under Settings.");
    assertThat(chunks).isGreaterThan(1);
    assertThat(r.text()).isEqualTo("Reset it under Settings.");
    assertThat(r.usage().inputTokens()).isEqualTo(40);
    assertThat(JSON.readTree(stub.requests().get(0)).path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  void aContextLengthErrorIsNotRetriedAndNamesNoProviderText() throws Exception {
    ChatCompletionsStub stub = stub(new Reply(400,
        "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens. You said: secret\",\"type\":\"invalid_request_error\","
            + "\"code\":\"context_length_exceeded\"}}"));
    assertThatThrownBy(() -> sluice(client(stub)).call("support", ChatRequest.ofUser("secret"), Subject.of("u1")))
        .isInstanceOf(ModelCallException.class)
        .satisfies(e -> assertThat(((ModelCallException) e).kind()).isEqualTo(ModelCallException.Kind.CONTEXT_LENGTH))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    assertThat(stub.requests()).hasSize(1);
  }

  @Test
  void aServerThatIsGoneIsAConnectionFailure() throws Exception {
    ChatCompletionsStub stub = stub(ChatCompletionsStub.text("x", 1, 1));
    OpenAiJavaModelClient client = client(stub);
    stub.close();
    assertThatThrownBy(() -> client.chat(ChatRequest.builder().model("gpt-4o-mini").user("x").build()))
        .isInstanceOf(ModelCallException.class)
        .satisfies(e -> assertThat(((ModelCallException) e).kind()).isEqualTo(ModelCallException.Kind.CONNECTION));
  }
}
