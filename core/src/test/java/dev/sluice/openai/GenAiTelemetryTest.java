package dev.sluice.openai;

import static dev.sluice.openai.FaultServer.completion;
import static dev.sluice.openai.FaultServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelParameters;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The meters and spans of model calls follow the OpenTelemetry GenAI semantic conventions (client
 * metrics and inference spans, as of the conventions' 2026 revision): names, attribute keys,
 * {@code error.type} only on failures, no response model on failures, the recommended bucket
 * boundaries, {@code server.address}/{@code server.port}, no 0 sample for usage nobody reported;
 * against a real server on 127.0.0.1, a real Prometheus registry and Micrometer's test tracer.
 */
class GenAiTelemetryTest {

  /** The conventions' metrics a chat client reports, with the attributes each may carry. */
  static final Map<String, Set<String>> CONVENTION_METRICS = Map.of(
      "gen_ai.client.operation.duration", Set.of("gen_ai.operation.name", "gen_ai.provider.name", "error.type",
          "gen_ai.request.model", "server.port", "gen_ai.response.model", "server.address"),
      "gen_ai.client.token.usage", Set.of("gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.token.type",
          "gen_ai.request.model", "server.port", "gen_ai.response.model", "server.address"),
      "gen_ai.client.operation.time_to_first_chunk", Set.of("gen_ai.operation.name", "gen_ai.provider.name",
          "gen_ai.request.model", "server.port", "gen_ai.response.model", "server.address"),
      "gen_ai.client.operation.time_per_output_chunk", Set.of("gen_ai.operation.name", "gen_ai.provider.name",
          "gen_ai.request.model", "server.port", "gen_ai.response.model", "server.address"));

  /** The conventions' attributes of an inference span that Sluice sets. */
  static final Set<String> CONVENTION_SPAN_ATTRIBUTES = Set.of("gen_ai.operation.name", "gen_ai.provider.name", "error.type",
      "gen_ai.request.model", "server.port", "server.address", "gen_ai.request.stream", "gen_ai.request.max_tokens",
      "gen_ai.request.temperature", "gen_ai.request.top_p", "gen_ai.request.seed", "gen_ai.response.model",
      "gen_ai.response.finish_reasons", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens");

  /** Sluice's own attributes beside the conventions': the route, the variant and its version labels. */
  static final Set<String> SLUICE_ATTRIBUTES = Set.of("route", "variant", VersionLabels.MODEL_VERSION, VersionLabels.PROMPT_VERSION,
      VersionLabels.RETRIEVAL_VERSION, VersionLabels.POLICY_VERSION);

  static final String OK = completion("Reset it under Settings.", "stop", 120, 30, 0);
  static final String NO_USAGE = "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}";

  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  FaultServer server(List<FaultServer.Reply> script, FaultServer.Reply then) throws IOException {
    FaultServer s = new FaultServer(script, then);
    closing.add(s);
    return s;
  }

  Sluice sluice(FaultServer server, MeterRegistry meters, ObservationRegistry observations) {
    OpenAiCompatibleClient client = OpenAiCompatibleClient.builder().baseUrl(server.baseUrl()).apiKey("sk-test").build();
    Sluice s = Sluice.builder()
        .route(Route.builder("support").baseline(Variant.builder("v1").client(client).model("gpt-4o-mini")
                .labels(VersionLabels.builder().promptVersion("p7").build()).build())
            .resilience(ResiliencePolicy.builder().maxAttempts(2).attemptTimeout(Duration.ofSeconds(5))
                .backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0).build())
            .build())
        .meterRegistry(meters)
        .observationRegistry(observations)
        .build();
    closing.add(s);
    return s;
  }

  static ChatRequest request() {
    return ChatRequest.builder().user("How do I reset my password?")
        .parameters(ModelParameters.builder().maxOutputTokens(200).temperature(0.3).build()).build();
  }

  @Test
  void aFailedAttemptHasAnErrorTypeAndNoResponseModelAnAnswerTheReverse() throws Exception {
    FaultServer server = server(List.of(json(500, "{\"error\":{\"message\":\"boom\"}}")), json(200, OK));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    sluice(server, meters, ObservationRegistry.NOOP).call("support", request(), Subject.of("u1"));

    List<Timer> durations = new ArrayList<>(meters.find("gen_ai.client.operation.duration").timers());
    assertThat(durations).hasSize(2);
    Timer failed = meters.get("gen_ai.client.operation.duration").tag("error.type", "server_error").timer();
    assertThat(failed.getId().getTag("gen_ai.response.model")).as("no response, no response model").isNull();
    Timer answered = meters.get("gen_ai.client.operation.duration").tag("gen_ai.response.model", "gpt-4o-mini-2024-07-18").timer();
    assertThat(answered.getId().getTag("error.type")).as("no error, no error.type (not 'none')").isNull();
    for (Timer t : durations) {
      assertThat(t.getId().getTag("server.address")).isEqualTo("127.0.0.1");
      assertThat(t.getId().getTag("server.port")).isEqualTo(Integer.toString(server.server.getAddress().getPort()));
    }
  }

  @Test
  void durationsAndTokenCountsHaveTheConventionsBucketBoundaries() throws Exception {
    FaultServer server = server(List.of(), json(200, OK));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    sluice(server, meters, ObservationRegistry.NOOP).call("support", request(), Subject.of("u1"));

    double[] seconds = Arrays.stream(meters.get("gen_ai.client.operation.duration").timer().takeSnapshot().histogramCounts())
        .mapToDouble(b -> b.bucket(java.util.concurrent.TimeUnit.SECONDS)).toArray();
    assertThat(seconds).containsExactly(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
    CountAtBucket[] tokens = meters.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input").summary()
        .takeSnapshot().histogramCounts();
    assertThat(Arrays.stream(tokens).mapToDouble(CountAtBucket::bucket).toArray()).containsExactly(1, 4, 16, 64, 256, 1024, 4096,
        16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864);
    assertThat(Arrays.stream(tokens).filter(b -> b.bucket() == 256).findFirst().orElseThrow().count())
        .as("120 input tokens fall in the (64, 256] bucket").isEqualTo(1);
  }

  @Test
  void prometheusScrapesBothTagSetsUnderTheConventionsNames() throws Exception {
    FaultServer server = server(List.of(json(500, "{}")), json(200, OK));
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    sluice(server, prometheus, ObservationRegistry.NOOP).call("support", request(), Subject.of("u1"));

    String scrape = prometheus.scrape();
    assertThat(scrape).contains("# TYPE gen_ai_client_token_usage histogram")
        .containsPattern("gen_ai_client_token_usage_bucket\\{[^}]*gen_ai_token_type=\"input\"[^}]*le=\"256.0\"} 1")
        .containsPattern("gen_ai_client_operation_duration_seconds_bucket\\{[^}]*error_type=\"server_error\"[^}]*le=\"0.01\"}")
        .containsPattern("gen_ai_client_operation_duration_seconds_bucket\\{[^}]*gen_ai_response_model=\"gpt-4o-mini-2024-07-18\"[^}]*le=\"81.92\"}")
        .doesNotContain("error_type=\"none\"");
  }

  @Test
  void usageTheProviderDidNotReportIsNotAZeroSample() throws Exception {
    FaultServer server = server(List.of(), json(200, NO_USAGE));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    sluice(server, meters, ObservationRegistry.NOOP).call("support", request(), Subject.of("u1"));

    assertThat(meters.get("gen_ai.client.operation.duration").timer().count()).isEqualTo(1);
    assertThat(meters.find("gen_ai.client.token.usage").summaries()).allSatisfy(s -> assertThat(s.count()).isZero());
  }

  @Test
  void aCallIsOneSpanWithOneChildSpanPerAttemptCarryingTheGenAiAttributes() throws Exception {
    FaultServer server = server(List.of(json(500, "{}")), json(200, OK));
    SimpleTracer tracer = new SimpleTracer();
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
    Sluice sluice = sluice(server, new SimpleMeterRegistry(), observations);

    Observation outer = Observation.start("checkout", observations);
    try (Observation.Scope scope = outer.openScope()) {
      sluice.call("support", request(), Subject.of("u1"));
    }
    outer.stop();

    List<SimpleSpan> spans = new ArrayList<>(tracer.getSpans());
    SimpleSpan call = only(spans, "sluice support");
    SimpleSpan checkout = only(spans, "checkout");
    List<SimpleSpan> attempts = spans.stream().filter(s -> s.getName().equals("chat gpt-4o-mini")).toList();
    assertThat(attempts).hasSize(2);
    assertThat(call.context().parentId()).as("the call is inside the caller's span").isEqualTo(checkout.context().spanId());
    assertThat(attempts).allSatisfy(a -> {
      assertThat(a.context().parentId()).isEqualTo(call.context().spanId());
      assertThat(a.getTags()).containsEntry("gen_ai.operation.name", "chat").containsEntry("gen_ai.provider.name", "openai")
          .containsEntry("gen_ai.request.model", "gpt-4o-mini").containsEntry("server.address", "127.0.0.1")
          .containsEntry("gen_ai.request.max_tokens", "200").containsEntry("gen_ai.request.temperature", "0.3")
          .containsEntry("gen_ai.request.stream", "false").containsEntry("route", "support").containsEntry("variant", "v1")
          .containsEntry("prompt_version", "p7");
    });
    SimpleSpan failed = attempts.stream().filter(a -> a.getError() != null).findFirst().orElseThrow();
    assertThat(failed.getTags()).containsEntry("error.type", "server_error").doesNotContainKey("gen_ai.response.model");
    SimpleSpan answered = attempts.stream().filter(a -> a.getError() == null).findFirst().orElseThrow();
    assertThat(answered.getTags()).containsEntry("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
        .containsEntry("gen_ai.usage.input_tokens", "120").containsEntry("gen_ai.usage.output_tokens", "30")
        .containsEntry("gen_ai.response.finish_reasons", "stop").doesNotContainKey("error.type");
    assertThat(call.getTags()).containsEntry("outcome", "success").containsEntry("variant", "v1").containsEntry("sluice.attempts", "2");
    assertThat(String.join(" ", call.getTags().values()) + String.join(" ", answered.getTags().values()))
        .as("no prompt or answer text on a span").doesNotContain("reset my password").doesNotContain("Settings");
  }

  @Test
  void everyGenAiMeterAndSpanAttributeIsOneOfTheConventionsNames() throws Exception {
    FaultServer server = server(List.of(json(429, "{}"), json(200, OK)), GenAiTelemetryTest::streamedAnswer);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    SimpleTracer tracer = new SimpleTracer();
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
    Sluice sluice = sluice(server, meters, observations);
    sluice.call("support", request(), Subject.of("u1"));
    dev.sluice.SluiceStream stream = sluice.stream("support", request(), Subject.of("u2"));
    stream.forEach(chunk -> { });
    assertThat(stream.response().join().text()).isEqualTo("Reset it under Settings.");

    Set<String> genAiMeters = new TreeSet<>();
    for (Meter m : meters.getMeters()) {
      String name = m.getId().getName();
      if (name.endsWith(".histogram") && m.getId().getTag("le") != null) {
        continue; // the bucket gauges a registry without histograms of its own (this simple one) makes of every histogram
      }
      if (!name.startsWith("gen_ai.")) {
        assertThat(name).as("a meter outside the conventions is Sluice's own").matches("(sluice|resilience4j)\\..*");
        continue;
      }
      genAiMeters.add(name);
      assertThat(CONVENTION_METRICS).as("a GenAI meter the conventions name").containsKey(name);
      Set<String> keys = m.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet());
      keys.removeAll(SLUICE_ATTRIBUTES);
      assertThat(CONVENTION_METRICS.get(name)).as(name + "'s attributes").containsAll(keys);
    }
    assertThat(genAiMeters).containsExactlyInAnyOrderElementsOf(CONVENTION_METRICS.keySet());

    Set<String> spanKeys = new HashSet<>();
    tracer.getSpans().stream().filter(s -> s.getName().startsWith("chat ")).forEach(s -> spanKeys.addAll(s.getTags().keySet()));
    spanKeys.removeAll(SLUICE_ATTRIBUTES);
    assertThat(CONVENTION_SPAN_ATTRIBUTES).containsAll(spanKeys);
    assertThat(spanKeys).contains("gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "server.address",
        "server.port", "gen_ai.response.model", "error.type", "gen_ai.usage.input_tokens");
  }

  /** A streamed answer in three chunks, then its usage. */
  static void streamedAnswer(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
    String chunk = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":%s}]}\n\n";
    String body = chunk.formatted("Reset it ", "null") + chunk.formatted("under ", "null") + chunk.formatted("Settings.", "\"stop\"")
        + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],"
        + "\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":3,\"total_tokens\":123}}\n\ndata: [DONE]\n\n";
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, bytes.length);
    try (java.io.OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  static SimpleSpan only(List<SimpleSpan> spans, String name) {
    List<SimpleSpan> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("spans named " + name + " among " + spans.stream().map(SimpleSpan::getName).toList()).hasSize(1);
    return named.get(0);
  }
}
