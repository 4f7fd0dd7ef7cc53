package dev.sluice.langchain4j;

import dev.sluice.testkit.ChatCompletionsStub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.audit.AuditEvent;
import dev.sluice.outcome.StreamInterruptedException;
import dev.sluice.release.Variant;
import dev.sluice.simulated.SimulatedFailure;
import dev.sluice.simulated.SimulatedModelClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A LangChain4j AI Service returning a TokenStream streams through a Sluice route. */
class StreamingTest {

  interface Assistant {
    TokenStream chat(String message);
  }

  final List<AuditEvent> audit = new CopyOnWriteArrayList<>();

  Assistant assistant(SimulatedModelClient model) {
    Sluice sluice = Sluice.builder()
        .route(Route.builder("support").baseline(Variant.builder("v1").client(model).model("gpt-4o-mini").build()).build())
        .meterRegistry(new SimpleMeterRegistry()).auditSink(audit::add).build();
    return AiServices.create(Assistant.class, SluiceStreamingChatModel.builder(sluice, "support").build());
  }

  @Test
  void partialResponsesArriveAsTheModelWritesAndTheCompleteOneCarriesTheUsage() throws Exception {
    Assistant a = assistant(SimulatedModelClient.builder().latency(Duration.ofMillis(50), Duration.ofMillis(80)).outputTokens(12, 13)
        .text("Open Settings, then Security, then Reset.").build());
    List<String> partials = new CopyOnWriteArrayList<>();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    a.chat("How do I reset my password?").onPartialResponse(partials::add).onCompleteResponse(done::complete)
        .onError(done::completeExceptionally).start();

    ChatResponse response = done.get(10, TimeUnit.SECONDS);
    assertThat(partials).hasSizeGreaterThan(3);
    assertThat(String.join("", partials)).isEqualTo("Open Settings, then Security, then Reset.");
    assertThat(response.aiMessage().text()).isEqualTo("Open Settings, then Security, then Reset.");
    assertThat(response.tokenUsage().outputTokenCount()).isBetween(12, 13);
    assertThat(audit).singleElement().satisfies(e -> assertThat(e.details()).containsKey("time_to_first_chunk_ms"));
  }

  @Test
  void aLangChain4jStreamingModelIsAStreamingVariant() throws Exception {
    try (ChatCompletionsStub server = new ChatCompletionsStub(List.of(ChatCompletionsStub.error(503), ChatCompletionsStub.stream("Open Settings, then Security.", 20, 7)))) {
      var chat = dev.langchain4j.model.openai.OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("k").modelName("gpt-4o-mini")
          .maxRetries(0).build();
      var streaming = dev.langchain4j.model.openai.OpenAiStreamingChatModel.builder().baseUrl(server.baseUrl()).apiKey("k")
          .modelName("gpt-4o-mini").build();
      Sluice sluice = Sluice.builder()
          .route(Route.builder("support").baseline(Variant.builder("v1").client(LangChain4jModelClient.of(chat, streaming, "openai"))
              .model("gpt-4o-mini").build())
              .resilience(dev.sluice.resilience.ResiliencePolicy.builder().maxAttempts(2)
                  .backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0).build()).build())
          .meterRegistry(new SimpleMeterRegistry()).auditSink(audit::add).build();

      dev.sluice.SluiceStream stream = sluice.stream("support", dev.sluice.model.ChatRequest.ofUser("reset?"), dev.sluice.subject.Subject.of("u"));
      List<String> texts = new CopyOnWriteArrayList<>();
      stream.forEach(c -> texts.add(c.text()));
      dev.sluice.SluiceResponse done = stream.response().get(10, TimeUnit.SECONDS);

      assertThat(String.join("", texts)).isEqualTo("Open Settings, then Security.");
      assertThat(texts.stream().filter(t -> !t.isEmpty()).count()).as("word by word, not one chunk").isGreaterThan(2);
      assertThat(done.attempts()).as("the 503 before the stream was retried").isEqualTo(2);
      assertThat(done.usage().outputTokens()).isPositive();
      assertThat(server.requests().get(1)).containsPattern("\"stream\"\\s*:\\s*true");
      sluice.close();
    }
  }

  @Test
  void aStreamCutAfterItsFirstChunkEndsWithSluicesErrorNotACompleteResponse() throws Exception {
    Assistant a = assistant(SimulatedModelClient.builder().latency(Duration.ofMillis(50), Duration.ofMillis(80))
        .text("one two three four five six").failure(SimulatedFailure.STREAM_CUT, 1.0).build());
    List<String> partials = new CopyOnWriteArrayList<>();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    a.chat("count").onPartialResponse(partials::add).onCompleteResponse(done::complete).onError(done::completeExceptionally).start();

    assertThat(done).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(StreamInterruptedException.class);
    assertThat(partials).isNotEmpty();
  }
}
