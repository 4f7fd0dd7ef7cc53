package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceStream;
import dev.sluice.audit.AuditEvent;
import dev.sluice.guardrail.Guardrails;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelClient;
import dev.sluice.model.TokenUsage;
import dev.sluice.outcome.GuardrailBlockedException;
import dev.sluice.outcome.StreamInterruptedException;
import dev.sluice.release.Variant;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The built-in output guardrails on streamed answers: what crosses a chunk boundary is seen whole
 * (a key split in two is blocked before any of it reaches the caller; a placeholder split in two is
 * restored), and guardrails that judge only whole answers run at the end.
 */
class GuardrailsOnStreamsTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();

  /** A model that streams the pieces it is given for the request, on the caller's thread, as demanded. */
  static ModelClient streaming(Function<ChatRequest, List<String>> pieces) {
    return new ModelClient() {
      @Override
      public String provider() {
        return "test";
      }

      @Override
      public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
        return CompletableFuture.completedFuture(ChatResponse.of(String.join("", pieces.apply(request)), TokenUsage.of(10, 10), "test",
            "gpt-4o-mini"));
      }

      @Override
      public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
        List<ChatChunk> chunks = new ArrayList<>();
        pieces.apply(request).forEach(p -> chunks.add(ChatChunk.text(p)));
        chunks.add(ChatChunk.end(FinishReason.STOP, TokenUsage.of(10, 10)));
        return ChatChunk.publisher(chunks);
      }
    };
  }

  Sluice sluice(ModelClient model, Guardrails g) {
    return Sluice.builder()
        .route(Route.builder("r").baseline(Variant.builder("v1").client(model).model("gpt-4o-mini").build()).guardrails(g).build())
        .meterRegistry(registry).auditSink(events::add).build();
  }

  record Read(String text, Throwable failure) {}

  static Read read(SluiceStream stream) {
    StringBuilder text = new StringBuilder();
    Throwable failure = catchThrowable(() -> stream.forEach(c -> text.append(c.text())));
    return new Read(text.toString(), failure);
  }

  static List<String> padded(String... middle) {
    List<String> pieces = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      pieces.add("All is well with your account. ");
    }
    pieces.addAll(List.of(middle));
    for (int i = 0; i < 40; i++) {
      pieces.add("Anything else? ");
    }
    return pieces;
  }

  @Test
  void aKeySplitOverTwoChunksIsBlockedBeforeAnyOfItReachesTheCaller() {
    Sluice s = sluice(streaming(r -> padded("Use the key AKIAIOSF", "ODNN7EXAMPLE to log in. ")),
        Guardrails.builder().output(Secrets.blockingLeaks()).build());
    Read r = read(s.stream("r", ChatRequest.ofUser("help"), Subject.of("u")));

    assertThat(r.text()).startsWith("All is well").doesNotContain("AKIA");
    assertThat(r.failure()).isInstanceOf(StreamInterruptedException.class);
    assertThat(((StreamInterruptedException) r.failure()).reason()).isInstanceOf(GuardrailBlockedException.class)
        .hasMessageContaining("aws-access-key-id");
    assertThat(events.get(0).toJson()).doesNotContain("AKIA").contains("secrets-leak");
  }

  @Test
  void aPlaceholderSplitOverTwoChunksIsRestored() {
    Sluice s = sluice(streaming(r -> padded("I wrote to <EMA", "IL_1> just now. ")),
        Guardrails.builder().input(Pii.redacting()).output(Pii.restoring()).build());
    Read r = read(s.stream("r", ChatRequest.ofUser("Write to jane.doe@example.com please"), Subject.of("u")));

    assertThat(r.failure()).isNull();
    assertThat(r.text()).contains("I wrote to jane.doe@example.com just now.").doesNotContain("EMAIL_1");
    assertThat(registry.get("sluice.guardrail.results").tag("guardrail", "pii-restore").tag("result", "rewrite").counter().count())
        .as("counted once per attempt, not per piece").isEqualTo(1);
  }

  @Test
  void aCleanStreamPassesWithOnePassCountedPerGuardrail() {
    Sluice s = sluice(streaming(r -> padded("Nothing to see. ")),
        Guardrails.builder().output(Secrets.blockingLeaks(), Pii.blockingLeaks()).build());
    Read r = read(s.stream("r", ChatRequest.ofUser("help"), Subject.of("u")));

    assertThat(r.failure()).isNull();
    assertThat(r.text()).isEqualTo(String.join("", padded("Nothing to see. ")));
    assertThat(registry.get("sluice.guardrail.results").tag("guardrail", "secrets-leak").tag("result", "pass").counter().count())
        .isEqualTo(1);
  }

  @Test
  void aStreamThroughTheWindowTakesTimeInProportionToItsLength() {
    Guardrails g = Guardrails.builder().input(Pii.redacting()).output(Pii.restoring(), Pii.blockingLeaks(), Secrets.blockingLeaks()).build();
    long small = bestOf(3, 2_000, g);
    long large = bestOf(3, 8_000, g);
    // Four times the text, at most six times the time (linear, with room for a noisy machine).
    assertThat((double) large / small).as("%d ns for 2,000 chunks, %d ns for 8,000", small, large).isLessThan(6.0);
  }

  private long bestOf(int runs, int chunks, Guardrails g) {
    List<String> pieces = new ArrayList<>();
    for (int i = 0; i < chunks; i++) {
      pieces.add(i % 7 == 0 ? "<EMAIL_1> wrote " : "some ordinary words ");
    }
    Sluice s = sluice(streaming(r -> pieces), g);
    long best = Long.MAX_VALUE;
    for (int i = 0; i < runs + 1; i++) {
      long start = System.nanoTime();
      Read r = read(s.stream("r", ChatRequest.ofUser("Mail jane.doe@example.com"), Subject.of("u")));
      long took = System.nanoTime() - start;
      assertThat(r.failure()).isNull();
      if (i > 0) {
        best = Math.min(best, took);
      }
    }
    return best;
  }

  @Test
  void aSchemaIsCheckedWhenTheStreamEnds() {
    String schema = "{\"type\":\"object\",\"required\":[\"answer\"],\"properties\":{\"answer\":{\"type\":\"string\"}}}";
    Sluice s = sluice(streaming(r -> List.of("{\"answer\"", ": 42}")), Guardrails.builder().output(JsonSchemaGuardrail.of(schema)).build());
    Read r = read(s.stream("r", ChatRequest.ofUser("help"), Subject.of("u")));

    assertThat(r.text()).isEqualTo("{\"answer\": 42}");
    assertThat(r.failure()).isInstanceOf(StreamInterruptedException.class);
    assertThat(((StreamInterruptedException) r.failure()).reason()).isInstanceOf(GuardrailBlockedException.class)
        .hasMessageContaining("reprompt after the stream had started");
  }
}
