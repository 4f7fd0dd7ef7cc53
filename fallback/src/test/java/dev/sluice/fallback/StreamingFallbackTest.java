package dev.sluice.fallback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.SluiceStream;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelClient;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.Outcome;
import dev.sluice.outcome.StreamInterruptedException;
import dev.sluice.release.Variant;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.simulated.SimulatedFailure;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Fallback links on streamed calls: before the first chunk reaches the caller they answer as they
 * do for a whole call; after it, none runs, and the caller never gets a second answer spliced on.
 */
class StreamingFallbackTest {

  final ManualTimeSource time = new ManualTimeSource();
  static final ResiliencePolicy ONE_ATTEMPT = ResiliencePolicy.builder().maxAttempts(1).deadline(Duration.ofSeconds(30)).build();

  SimulatedModelClient model(String text, SimulatedFailure failure) {
    SimulatedModelClient.Builder b = SimulatedModelClient.builder().timeSource(time).latency(Duration.ofMillis(400), Duration.ofMillis(401))
        .outputTokens(10, 11).text(text);
    if (failure != null) {
      b.failure(failure, 1.0);
    }
    return b.build();
  }

  Variant variant(String id, ModelClient client) {
    return Variant.builder(id).client(client).model("gpt-4o-mini").build();
  }

  Sluice sluice(Route route) {
    return Sluice.builder().route(route).timeSource(time).meterRegistry(new SimpleMeterRegistry()).auditSink(e -> { }).build();
  }

  record Read(String text, List<ChatChunk> chunks, Throwable failure, SluiceStream stream) {}

  Read read(Sluice s) {
    SluiceStream stream = s.stream("r", ChatRequest.ofUser("Where is my order?"), Subject.of("u"));
    List<ChatChunk> chunks = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    stream.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription sub) {
        sub.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ChatChunk item) {
        chunks.add(item);
      }

      @Override
      public void onError(Throwable t) {
        failure.set(t);
      }

      @Override
      public void onComplete() {}
    });
    time.advance(Duration.ofSeconds(5));
    return new Read(chunks.stream().map(ChatChunk::text).reduce("", String::concat), chunks, failure.get(), stream);
  }

  @Test
  void aBackupVariantStreamsItsAnswerWhenThePrimaryFailsBeforeItsFirstChunk() {
    Variant backup = variant("backup", model("the backup answers here", null));
    Route route = Route.builder("r").baseline(variant("v1", model("primary", SimulatedFailure.UNAVAILABLE)))
        .variant(backup).resilience(ONE_ATTEMPT).fallback(BackupVariantLink.of(backup)).build();
    Read r = read(sluice(route));

    assertThat(r.failure()).isNull();
    assertThat(r.text()).isEqualTo("the backup answers here");
    assertThat(r.chunks()).hasSizeGreaterThan(2);
    SluiceResponse done = r.stream().response().join();
    assertThat(done.outcome()).isEqualTo(Outcome.FALLBACK);
    assertThat(done.fallback().get().kind()).isEqualTo("backup_variant");
  }

  @Test
  void aFixedAnswerComesAsOneChunkWhenThePrimaryFailsBeforeItsFirstChunk() {
    Route route = Route.builder("r").baseline(variant("v1", model("primary", SimulatedFailure.SERVER_ERROR))).resilience(ONE_ATTEMPT)
        .fallback(FixedAnswerLink.of("Sorry, try again later.")).build();
    Read r = read(sluice(route));

    assertThat(r.failure()).isNull();
    assertThat(r.chunks()).hasSize(1);
    assertThat(r.text()).isEqualTo("Sorry, try again later.");
    assertThat(r.chunks().get(0).finishReason()).isNotNull();
  }

  @Test
  void afterTheFirstChunkNoFallbackRunsAndTheStreamEndsWithAnError() {
    Route route = Route.builder("r").baseline(variant("v1", model("one two three four five six", SimulatedFailure.STREAM_CUT)))
        .resilience(ONE_ATTEMPT).fallback(FixedAnswerLink.of("Sorry, try again later.")).build();
    Read r = read(sluice(route));

    assertThat(r.text()).isNotEmpty().doesNotContain("Sorry");
    assertThat(r.failure()).isInstanceOf(StreamInterruptedException.class);
    assertThat(((StreamInterruptedException) r.failure()).reason()).isInstanceOf(ModelCallException.class);
    assertThat(r.stream().response()).isCompletedExceptionally();
  }

  @Test
  void holdingBackTheStartKeepsFailoverPossibleAndNothingIsSplicedOn() {
    Route route = Route.builder("r").baseline(variant("v1", model("one two three four five six", SimulatedFailure.STREAM_CUT)))
        .resilience(ONE_ATTEMPT).streamHoldBackChars(1_000).fallback(FixedAnswerLink.of("Sorry, try again later.")).build();
    Read r = read(sluice(route));

    assertThat(r.failure()).isNull();
    assertThat(r.text()).isEqualTo("Sorry, try again later.");
  }

  @Test
  void aRetryAfterAHeldBackBreakStartsTheAnswerAfresh() {
    Variant backup = variant("backup", model("backup text", null));
    Route route = Route.builder("r").baseline(variant("v1", model("one two three four five six", SimulatedFailure.STREAM_CUT)))
        .resilience(ResiliencePolicy.builder().maxAttempts(2).deadline(Duration.ofSeconds(30)).backoff(Duration.ofMillis(1), 1,
            Duration.ofMillis(1), 0).build())
        .streamHoldBackChars(1_000).variant(backup).fallback(BackupVariantLink.of(backup)).build();
    Read r = read(sluice(route));

    assertThat(r.failure()).isNull();
    assertThat(r.text()).as("two broken attempts held back, then the backup: only the backup's text").isEqualTo("backup text");
  }
}
