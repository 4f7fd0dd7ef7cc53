package dev.sluice.openai;

import static dev.sluice.openai.FaultServer.completion;
import static dev.sluice.openai.FaultServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Fixtures.Events;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.audit.AuditEvent;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.TokenUsage;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.ModelCallException.Kind;
import dev.sluice.outcome.Outcome;
import dev.sluice.release.Variant;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Upstreams that answer badly on purpose, on 127.0.0.1: endless and huge bodies, errors quoting
 * the prompt, refusals, nonsense usage. Each ends in a documented outcome with reading bounded.
 */
class HostileUpstreamTest {

  /** Whole calls with the JDK's blocking send on the client's executor; {@link HostileUpstreamAsyncTest} runs every test with sendAsync. */
  OpenAiCompatibleClient.Builder builder() {
    return OpenAiCompatibleClient.builder().asyncSend(false);
  }

  static final String SECRET_PROMPT = "my card is 4111 1111 1111 1111 and my name is Alice Example";

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Events events = new Events();
  final List<AutoCloseable> servers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable s : servers) {
      s.close();
    }
  }

  Sluice sluice(OpenAiCompatibleClient client, int attempts) {
    return Sluice.builder()
        .route(Route.builder("r").baseline(Variant.builder("v1").client(client).model("gpt-4o-mini").build())
            .resilience(ResiliencePolicy.builder().maxAttempts(attempts).attemptTimeout(Duration.ofSeconds(20))
                .deadline(Duration.ofSeconds(30)).backoff(Duration.ofMillis(5), 1, Duration.ofMillis(5), 0).build())
            .build())
        .meterRegistry(registry).auditSink(events::accept).build();
  }

  SluiceResponse call(Sluice s, ChatRequest request) {
    return s.call("r", request, Subject.of("u1"));
  }

  static ChatRequest prompt() {
    return ChatRequest.builder().user(SECRET_PROMPT).parameters(ModelParameters.builder().maxOutputTokens(100).build()).build();
  }

  /** A server that answers 200 with a chunked body that never ends, counting what it managed to write. */
  FaultServer.Raw endless(AtomicLong written) throws IOException {
    FaultServer.Raw server = new FaultServer.Raw((s, r) -> {
      FaultServer.readHead(s);
      OutputStream out = s.getOutputStream();
      out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      byte[] data = new byte[16 * 1024];
      Arrays.fill(data, (byte) 'a');
      byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
      try {
        while (written.get() < 1L << 31) {
          out.write(head);
          out.write(data);
          out.write(crlf);
          written.addAndGet(data.length);
        }
      } finally {
        s.close();
      }
    });
    servers.add(server);
    return server;
  }

  @Test
  void anEndlessBodyIsCutOffAtTheDefaultLimitAndNotRetried() throws Exception {
    AtomicLong written = new AtomicLong();
    FaultServer.Raw server = endless(written);
    OpenAiCompatibleClient client = builder().baseUrl(server.baseUrl()).build();

    assertThatThrownBy(() -> call(sluice(client, 3), prompt()))
        .isInstanceOfSatisfying(ModelCallException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE);
          assertThat(e.isRetryable()).isFalse();
          assertThat(e.getMessage()).contains("maximum response size is " + OpenAiCompatibleClient.DEFAULT_MAX_RESPONSE_BYTES);
        });
    assertThat(server.accepted.get()).as("a body too large is not asked for again").isEqualTo(1);
    // The client stopped reading at the limit: what the server got out is the limit plus socket buffers.
    assertThat(written.get()).isLessThan(OpenAiCompatibleClient.DEFAULT_MAX_RESPONSE_BYTES + 16L * 1024 * 1024);
    assertThat(registry.get("gen_ai.client.operation.duration").tag("error.type", "too_large").timer().count()).isEqualTo(1);
  }

  @Test
  void aSmallerLimitIsEnforcedWhileReading() throws Exception {
    AtomicLong written = new AtomicLong();
    FaultServer.Raw server = endless(written);
    OpenAiCompatibleClient client = builder().baseUrl(server.baseUrl()).maxResponseBytes(64 * 1024).build();
    assertThatThrownBy(() -> call(sluice(client, 1), prompt()))
        .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() throws Exception {
    String big = completion("x".repeat(200_000), "stop", 10, 10, 0);
    FaultServer server = new FaultServer(List.of(), json(200, big));
    servers.add(server);
    OpenAiCompatibleClient client = builder().baseUrl(server.baseUrl()).maxResponseBytes(64 * 1024).build();
    assertThatThrownBy(() -> call(sluice(client, 1), prompt()))
        .isInstanceOfSatisfying(ModelCallException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE);
          assertThat(e.getMessage()).contains("declares " + big.length() + " bytes");
        });
  }

  @Test
  void anAnswerUnderTheLimitIsRead() throws Exception {
    FaultServer server = new FaultServer(List.of(), json(200, completion("y".repeat(50_000), "stop", 10, 10, 0)));
    servers.add(server);
    OpenAiCompatibleClient client = builder().baseUrl(server.baseUrl()).maxResponseBytes(64 * 1024).build();
    assertThat(call(sluice(client, 1), prompt()).text()).hasSize(50_000);
  }

  @Test
  void aLimitOutsideItsRangeIsRefusedNamingTheField() {
    assertThatThrownBy(() -> OpenAiCompatibleClient.builder().maxResponseBytes(10)).hasMessageContaining("openai.maxResponseBytes");
  }

  @Test
  void anErrorThatQuotesThePromptKeepsItOutOfTheMessageTheAuditAndTheLogs() throws Exception {
    String error = "{\"error\":{\"message\":\"Invalid request: '" + SECRET_PROMPT + "' is not allowed\",\"code\":\"invalid_prompt\"}}";
    FaultServer server = new FaultServer(List.of(), json(400, error));
    servers.add(server);
    OpenAiCompatibleClient client = builder().baseUrl(server.baseUrl()).build();
    assertThatThrownBy(() -> call(sluice(client, 1), prompt()))
        .isInstanceOfSatisfying(ModelCallException.class, e -> {
          assertThat(e.getMessage()).doesNotContain("4111").doesNotContain("Alice").contains("HTTP 400").contains("invalid_prompt");
          assertThat(e.providerMessage()).hasValueSatisfying(m -> assertThat(m).contains("Alice"));
        });
    AuditEvent event = events.only();
    assertThat(event.toJson()).doesNotContain("4111").doesNotContain("Alice");
  }

  @Test
  void aHugeErrorBodyIsReadOnlyUpToItsLimit() throws Exception {
    AtomicLong written = new AtomicLong();
    FaultServer.Raw server = new FaultServer.Raw((s, r) -> {
      FaultServer.readHead(s);
      OutputStream out = s.getOutputStream();
      out.write("HTTP/1.1 500 Oops\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] data = new byte[16 * 1024];
      Arrays.fill(data, (byte) 'e');
      try {
        while (written.get() < 1L << 31) {
          out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(data);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          written.addAndGet(data.length);
        }
      } finally {
        s.close();
      }
    });
    servers.add(server);
    OpenAiCompatibleClient client = builder().baseUrl(server.baseUrl()).build();
    assertThatThrownBy(() -> call(sluice(client, 1), prompt()))
        .isInstanceOfSatisfying(ModelCallException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
          assertThat(e.providerMessage().orElseThrow()).hasSizeLessThanOrEqualTo(303);
        });
    assertThat(written.get()).isLessThan(OpenAiCompatibleClient.MAX_ERROR_BODY_BYTES + 16L * 1024 * 1024);
  }

  @Test
  void aRefusalIsAnOutcomeOfItsOwnWithItsTextKeptAndNotRetried() throws Exception {
    String refusal = "{\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
        + "\"refusal\":\"I can't help with that.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7}}";
    FaultServer server = new FaultServer(List.of(), json(200, refusal));
    servers.add(server);
    OpenAiCompatibleClient client = builder().baseUrl(server.baseUrl()).build();
    SluiceResponse r = call(sluice(client, 3), prompt());
    assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(r.text()).isEqualTo("I can't help with that.");
    assertThat(r.chatResponse().finishReason()).isEqualTo(FinishReason.REFUSAL);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(server.served()).isEqualTo(1);
    assertThat(registry.get("sluice.calls").tag("outcome", "refused").counter().count()).isEqualTo(1);
  }

  @Test
  void negativeOrMissingUsageIsUnknownNotAnErrorOrZero() throws Exception {
    String negative = "{\"model\":\"gpt-4o-mini\",\"choices\":[{\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":-5,\"completion_tokens\":3}}";
    String missing = "{\"model\":\"gpt-4o-mini\",\"choices\":[{\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}";
    FaultServer server = new FaultServer(List.of(json(200, negative)), json(200, missing));
    servers.add(server);
    OpenAiCompatibleClient client = builder().baseUrl(server.baseUrl()).build();
    Sluice s = sluice(client, 1);
    SluiceResponse first = call(s, prompt());
    assertThat(first.chatResponse().usage()).isEqualTo(TokenUsage.UNKNOWN);
    assertThat(first.usage().reported()).isFalse();
    assertThat(call(s, prompt()).chatResponse().usage().reported()).isFalse();
  }

  @Test
  void moreStopSequencesThanTheApiAcceptsAreRefusedBeforeSending() throws Exception {
    FaultServer server = new FaultServer(List.of(), json(200, completion("ok", "stop", 1, 1, 0)));
    servers.add(server);
    OpenAiCompatibleClient client = builder().baseUrl(server.baseUrl()).build();
    ChatRequest fiveStops = ChatRequest.builder().user("hi")
        .parameters(ModelParameters.builder().stop(List.of("a", "b", "c", "d", "e")).build()).build();
    assertThatThrownBy(() -> call(sluice(client, 3), fiveStops))
        .isInstanceOfSatisfying(ModelCallException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.CLIENT_ERROR);
          assertThat(e.getMessage()).contains("parameters.stop").contains("at most 4");
        });
    assertThat(server.served()).isZero();
  }
}
