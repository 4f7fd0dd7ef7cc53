package dev.sluice.openai;

import static dev.sluice.openai.FaultServer.completion;
import static dev.sluice.openai.FaultServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.outcome.CallTimeoutException;
import dev.sluice.Fixtures.Events;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.ModelCallException.Kind;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.outcome.SluiceException;
import dev.sluice.SluiceResponse;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.ResponseFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every HTTP fault against a real server on 127.0.0.1 ends in the right outcome, attempts and metric. */
class OpenAiCompatibleClientTest {

  static final String OK = completion("Reset it under Settings.", "stop", 120, 30, 100);
  static final ObjectMapper JSON = new ObjectMapper();

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Events events = new Events();
  final List<AutoCloseable> servers = new ArrayList<>();

  @AfterEach
  void stopServers() throws Exception {
    for (AutoCloseable s : servers) {
      s.close();
    }
  }

  FaultServer server(List<FaultServer.Reply> script, FaultServer.Reply repeat) throws IOException {
    FaultServer s = new FaultServer(script, repeat);
    servers.add(s);
    return s;
  }

  FaultServer.Raw raw(FaultServer.Raw.Handler h) throws IOException {
    FaultServer.Raw r = new FaultServer.Raw(h);
    servers.add(r);
    return r;
  }

  Sluice sluice(String baseUrl, ResiliencePolicy policy) {
    OpenAiCompatibleClient client = OpenAiCompatibleClient.builder().baseUrl(baseUrl).apiKey("sk-test").build();
    return Sluice.builder()
        .route(Route.builder("r").baseline(Variant.builder("v1").client(client).model("gpt-4o-mini").build())
            .resilience(policy).build())
        .meterRegistry(registry)
        .auditSink(events::accept)
        .build();
  }

  static ResiliencePolicy fastRetries(int attempts) {
    return ResiliencePolicy.builder().maxAttempts(attempts).attemptTimeout(Duration.ofSeconds(5))
        .backoff(Duration.ofMillis(10), 1, Duration.ofMillis(10), 0).build();
  }

  SluiceResponse call(Sluice s) {
    return s.call("r", ChatRequest.builder().user("How do I reset my password?")
        .parameters(ModelParameters.builder().maxOutputTokens(200).temperature(0.3).build()).build(), Subject.of("u1"));
  }

  double modelCalls(String errorType) {
    return registry.find("gen_ai.client.operation.duration").tag("error.type", errorType).timers().stream()
        .mapToLong(t -> t.count()).sum();
  }

  double calls(String outcome) {
    return registry.get("sluice.calls").tag("outcome", outcome).counter().count();
  }

  @Test
  void aSuccessfulCompletionMapsTextUsageCachedTokensFinishReasonAndModel() throws Exception {
    FaultServer server = server(List.of(), json(200, OK));
    SluiceResponse r = call(sluice(server.baseUrl(), fastRetries(1)));

    assertThat(r.text()).isEqualTo("Reset it under Settings.");
    assertThat(r.chatResponse().finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.chatResponse().responseModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(r.chatResponse().provider()).isEqualTo("openai");
    assertThat(r.usage().inputTokens()).isEqualTo(120);
    assertThat(r.usage().cachedInputTokens()).isEqualTo(100);
    // 20 uncached * 0.15/M + 100 cached * 0.075/M + 30 out * 0.60/M
    assertThat(r.cost().usd()).isEqualByComparingTo("0.0000285");
    JsonNode sent = JSON.readTree(server.requestBodies.get(0));
    assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(200);
    assertThat(sent.has("max_tokens")).as("the deprecated name is not sent as well").isFalse();
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.3);
    assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("user");
    assertThat(server.authHeaders.get(0)).isEqualTo("Bearer sk-test");
    assertThat(registry.get("gen_ai.client.operation.duration").tag("gen_ai.provider.name", "openai")
        .tag("gen_ai.response.model", "gpt-4o-mini-2024-07-18").timer().count()).isEqualTo(1);
  }

  @Test
  void jsonSchemaAndToolsAreSentInTheOpenAiShape() throws Exception {
    FaultServer server = server(List.of(), json(200, completion("{\"ok\":true}", "stop", 1, 1, 0)));
    OpenAiCompatibleClient client = OpenAiCompatibleClient.builder().baseUrl(server.baseUrl()).build();
    client.chat(ChatRequest.builder().model("gpt-4.1").user("x")
        .responseFormat(ResponseFormat.jsonSchema("ticket", "{\"type\":\"object\"}"))
        .tool(new dev.sluice.model.ToolDefinition("lookup_order", "Find an order", "{\"type\":\"object\",\"properties\":{}}"))
        .build());
    JsonNode sent = JSON.readTree(server.requestBodies.get(0));
    assertThat(sent.at("/response_format/type").asText()).isEqualTo("json_schema");
    assertThat(sent.at("/response_format/json_schema/name").asText()).isEqualTo("ticket");
    assertThat(sent.at("/response_format/json_schema/schema/type").asText()).isEqualTo("object");
    assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("lookup_order");
    assertThat(server.authHeaders.get(0)).isEqualTo("null");
  }

  @Test
  void ollamaGetsTheOutputLimitInTheOnlyFieldItDocuments() throws Exception {
    FaultServer server = server(List.of(), json(200, completion("ok", "stop", 1, 1, 0)));
    OpenAiCompatibleClient.builder().baseUrl(server.baseUrl()).provider("ollama").build()
        .chat(ChatRequest.builder().model("llama3.2").user("x").parameters(ModelParameters.builder().maxOutputTokens(64).build()).build());
    JsonNode sent = JSON.readTree(server.requestBodies.get(0));
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(64);
    assertThat(sent.has("max_completion_tokens")).isFalse();
  }

  @Test
  void toolCallsAreMapped() throws Exception {
    String body = "{\"model\":\"gpt-4o\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,"
        + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"lookup_order\",\"arguments\":\"{\\\"id\\\":42}\"}}]},"
        + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}";
    FaultServer server = server(List.of(), json(200, body));
    ChatResponse r = OpenAiCompatibleClient.builder().baseUrl(server.baseUrl()).build()
        .chat(ChatRequest.builder().model("gpt-4o").user("where is order 42").build());
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.toolCalls()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("lookup_order");
      assertThat(c.argumentsJson()).isEqualTo("{\"id\":42}");
    });
  }

  @Test
  void http500IsRetriedThenFailsAsAServerError() throws Exception {
    FaultServer server = server(List.of(), json(500, "{\"error\":{\"message\":\"internal\",\"type\":\"server_error\"}}"));
    assertThatThrownBy(() -> call(sluice(server.baseUrl(), fastRetries(3))))
        .isInstanceOfSatisfying(ModelCallException.class, e -> {
          assertThat(e.status()).isEqualTo(500);
          assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
          assertThat(e.providerMessage()).contains("internal");
        });
    assertThat(server.served()).isEqualTo(3);
    assertThat(modelCalls("server_error")).isEqualTo(3);
    assertThat(calls("error")).isEqualTo(1);
    assertThat(events.only().attempts()).isEqualTo(3);
  }

  @Test
  void http503ThenSuccessAnswersOnTheSecondAttempt() throws Exception {
    FaultServer server = server(List.of(json(503, "{\"error\":{\"message\":\"overloaded\"}}")), json(200, OK));
    SluiceResponse r = call(sluice(server.baseUrl(), fastRetries(3)));
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(modelCalls("server_error")).isEqualTo(1);
    assertThat(calls("success")).isEqualTo(1);
  }

  @Test
  void http429WithRetryAfterWaitsAndRetries() throws Exception {
    FaultServer server = server(List.of(json(429, "{\"error\":{\"message\":\"slow down\"}}", "retry-after-ms", "300")), json(200, OK));
    long start = System.nanoTime();
    SluiceResponse r = call(sluice(server.baseUrl(), fastRetries(3)));
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(modelCalls("rate_limited")).isEqualTo(1);
  }

  @Test
  void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
    var now = java.time.Instant.parse("2026-11-22T10:00:00Z");
    assertThat(RetryAfter.parse(java.util.Optional.empty(), java.util.Optional.of("7"), now)).contains(Duration.ofSeconds(7));
    assertThat(RetryAfter.parse(java.util.Optional.empty(), java.util.Optional.of("Sun, 22 Nov 2026 10:00:30 GMT"), now))
        .contains(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse(java.util.Optional.of("1500"), java.util.Optional.of("7"), now)).contains(Duration.ofMillis(1500));
    assertThat(RetryAfter.parse(java.util.Optional.empty(), java.util.Optional.of("soon"), now)).isEmpty();
  }

  @Test
  void a400ContextLengthErrorIsNotRetried() throws Exception {
    FaultServer server = server(List.of(), json(400, "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens.\","
        + "\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}"));
    assertThatThrownBy(() -> call(sluice(server.baseUrl(), fastRetries(3))))
        .isInstanceOfSatisfying(ModelCallException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.CONTEXT_LENGTH);
          assertThat(e.isRetryable()).isFalse();
        });
    assertThat(server.served()).isEqualTo(1);
    assertThat(modelCalls("context_length")).isEqualTo(1);
  }

  @Test
  void a401IsNotRetried() throws Exception {
    FaultServer server = server(List.of(), json(401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}"));
    assertThatThrownBy(() -> call(sluice(server.baseUrl(), fastRetries(3))))
        .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CLIENT_ERROR));
    assertThat(server.served()).isEqualTo(1);
  }

  @Test
  void slowHeadersTimeOutTheAttempt() throws Exception {
    FaultServer server = server(List.of(), FaultServer.slowHeaders(3000, OK));
    ResiliencePolicy policy = ResiliencePolicy.builder().maxAttempts(2).attemptTimeout(Duration.ofMillis(200))
        .backoff(Duration.ofMillis(10), 1, Duration.ofMillis(10), 0).build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> call(sluice(server.baseUrl(), policy)))
        .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.kind()).isEqualTo(Kind.ATTEMPT_TIMEOUT));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    assertThat(modelCalls("timeout")).isEqualTo(2);
    assertThat(calls("timeout")).isEqualTo(1);
    assertThat(events.only().outcome()).isEqualTo("timeout");
  }

  @Test
  void aSlowBodyTimesOutTheAttempt() throws Exception {
    FaultServer server = server(List.of(), FaultServer.slowBody(3000, OK));
    ResiliencePolicy policy = ResiliencePolicy.builder().maxAttempts(1).attemptTimeout(Duration.ofMillis(300)).build();
    assertThatThrownBy(() -> call(sluice(server.baseUrl(), policy)))
        .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.kind()).isEqualTo(Kind.ATTEMPT_TIMEOUT));
    assertThat(calls("timeout")).isEqualTo(1);
  }

  @Test
  void theCallDeadlineEndsASlowAttemptAsACallTimeout() throws Exception {
    FaultServer server = server(List.of(), FaultServer.slowHeaders(3000, OK));
    ResiliencePolicy policy = ResiliencePolicy.builder().deadline(Duration.ofMillis(300)).attemptTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> call(sluice(server.baseUrl(), policy))).isInstanceOf(CallTimeoutException.class);
    assertThat(calls("timeout")).isEqualTo(1);
  }

  @Test
  void aConnectionResetIsARetryableConnectionFailure() throws Exception {
    FaultServer.Raw server = raw((s, r) -> {
      FaultServer.readHead(s);
      s.setSoLinger(true, 0);
      s.close();
    });
    assertThatThrownBy(() -> call(sluice(server.baseUrl(), fastRetries(2))))
        .isInstanceOfSatisfying(ModelCallException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
          assertThat(e.isRetryable()).isTrue();
        });
    assertThat(server.accepted.get()).isEqualTo(2);
    assertThat(modelCalls("connection")).isEqualTo(2);
  }

  @Test
  void aTruncatedBodyIsARetryableConnectionFailure() throws Exception {
    FaultServer.Raw server = raw((s, r) -> {
      FaultServer.readHead(s);
      OutputStream out = s.getOutputStream();
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + OK.length() + "\r\n\r\n"
          + OK.substring(0, 40)).getBytes(StandardCharsets.UTF_8));
      out.flush();
      s.close();
    });
    assertThatThrownBy(() -> call(sluice(server.baseUrl(), fastRetries(2))))
        .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONNECTION));
    assertThat(modelCalls("connection")).isEqualTo(2);
  }

  @Test
  void malformedJsonIsRetryableBadOutput() throws Exception {
    FaultServer server = server(List.of(json(200, "{\"choices\": [ {\"message\": ")), json(200, OK));
    SluiceResponse r = call(sluice(server.baseUrl(), fastRetries(2)));
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(modelCalls("bad_output")).isEqualTo(1);
  }

  /** Both ways of sending a whole call: the JDK's sendAsync, and its blocking send on the client's executor. */
  @org.junit.jupiter.params.ParameterizedTest(name = "asyncSend={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aStormOfTimeoutsLeavesNoThreadRunningAndAbortsEveryRequest(boolean asyncSend) throws Exception {
    FaultServer.Raw server = raw(FaultServer.Raw::neverAnswer);
    java.util.concurrent.ThreadPoolExecutor clientThreads = new java.util.concurrent.ThreadPoolExecutor(
        0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>());
    java.util.concurrent.ThreadPoolExecutor sendThreads = new java.util.concurrent.ThreadPoolExecutor(
        0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>());
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().executor(clientThreads)
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    OpenAiCompatibleClient client = OpenAiCompatibleClient.builder().baseUrl(server.baseUrl()).httpClient(http)
        .asyncSend(asyncSend).executor(sendThreads).build();
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(Variant.builder("v1").client(client).model("gpt-4o-mini").build())
            .resilience(ResiliencePolicy.builder().maxAttempts(1).attemptTimeout(Duration.ofMillis(200))
                .bulkhead(500, Duration.ZERO)
                // On a loaded machine the first timeouts fire while later calls are still being started;
                // a breaker that opened then would fail those fast and the storm would not be one of timeouts.
                .circuitBreaker(100, 1000, Duration.ofSeconds(30)).breakerMinimumCalls(1000).build()).build())
        .meterRegistry(registry).auditSink(events::accept).build();

    int n = 200;
    List<CompletableFuture<SluiceResponse>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(s.callAsync("r", ChatRequest.ofUser("q" + i), Subject.of("u" + i)));
    }
    for (CompletableFuture<SluiceResponse> c : calls) {
      assertThatThrownBy(() -> c.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ModelCallException.class);
    }

    // every request was aborted: the server saw each connection closed by the client
    assertThat(server.closes.tryAcquire(n, 10, TimeUnit.SECONDS)).as("connections closed by the client").isTrue();
    assertThat(server.closedByClient.get()).isGreaterThanOrEqualTo(n);
    // No platform thread was parked per in-flight call (that would take n), and none is still working.
    // The client does use threads briefly to complete the aborted exchanges, and all n timeouts fire
    // within a millisecond or two, so a burst of up to a quarter of n has been seen; half is the bound.
    assertThat(clientThreads.getLargestPoolSize()).as("client threads ever alive for %s calls", n).isLessThan(n / 2);
    // Shutting the pool down ends its idle threads at once; it terminates only if no thread is still working.
    clientThreads.shutdown();
    assertThat(clientThreads.awaitTermination(10, TimeUnit.SECONDS)).as("no client thread still working").isTrue();
    assertThat(clientThreads.getActiveCount()).isZero();
    assertThat(clientThreads.getPoolSize()).as("client threads left after the storm").isZero();
    // A blocking send waits on a thread of the client's executor per call in flight; every one was
    // interrupted by its timeout, and none is still waiting.
    if (asyncSend) {
      assertThat(sendThreads.getLargestPoolSize()).as("send threads").isZero();
    } else {
      assertThat(sendThreads.getLargestPoolSize()).as("send threads (reused once a call timed out)").isBetween(1, n);
    }
    sendThreads.shutdown();
    assertThat(sendThreads.awaitTermination(10, TimeUnit.SECONDS)).as("no send thread still waiting").isTrue();
    assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("sluice-timer")).count())
        .isLessThanOrEqualTo(1);
    assertThat(calls("timeout")).isEqualTo(n);
  }
}
