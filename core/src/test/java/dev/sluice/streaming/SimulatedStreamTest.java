package dev.sluice.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.SluiceStream;
import dev.sluice.audit.AuditEvent;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatRequest;
import dev.sluice.outcome.CallTimeoutException;
import dev.sluice.outcome.CircuitOpenException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.StreamInterruptedException;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.simulated.SimulatedFailure;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Streamed calls on simulated time: timing, demand, deadline, cancellation and breakers, with no thread and no sleep. */
class SimulatedStreamTest {

  final ManualTimeSource time = new ManualTimeSource();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<AuditEvent> audit = new CopyOnWriteArrayList<>();

  SimulatedModelClient.Builder model() {
    return SimulatedModelClient.builder().timeSource(time).latency(Duration.ofMillis(800), Duration.ofMillis(801))
        .outputTokens(20, 21).text("one two three four five six seven eight");
  }

  Sluice sluice(SimulatedModelClient model, ResiliencePolicy policy) {
    return Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1")).resilience(policy).build())
        .timeSource(time).meterRegistry(registry).auditSink(audit::add).build();
  }

  static ResiliencePolicy policy() {
    return ResiliencePolicy.builder().maxAttempts(1).deadline(Duration.ofSeconds(30))
        .streamTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1)).build();
  }

  @Test
  void chunksArriveOnTheLatencyModelsScheduleAndTheFirstChunkIsAQuarterOfTheLatency() {
    Sluice s = sluice(model().build(), policy());
    SluiceStream stream = s.stream("r", ChatRequest.ofUser("hi"), Subject.of("u"));
    ChunkReader<ChatChunk> r = ChunkReader.manual();
    stream.subscribe(r);
    r.subscription.request(Long.MAX_VALUE);

    time.advance(Duration.ofMillis(199));
    assertThat(r.items).isEmpty();
    time.advance(Duration.ofMillis(2));
    assertThat(r.items).hasSize(1);
    time.advance(Duration.ofMillis(600));

    assertThat(r.complete).isTrue();
    assertThat(r.text()).isEqualTo("one two three four five six seven eight");
    SluiceResponse done = stream.response().join();
    assertThat(done.usage().outputTokens()).isEqualTo(20);
    assertThat(registry.get("gen_ai.client.operation.time_to_first_chunk").timer().max(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isBetween(199.0, 201.0);
  }

  @Test
  void aReaderThatTakesItsTimeIsNotIdleTimedOutButTheDeadlineStillBindsTheWholeStream() {
    // Longer than the read-ahead, so the model is still writing while the reader dawdles.
    Sluice s = sluice(model().text("word ".repeat(100)).build(), policy());
    ChunkReader<ChatChunk> r = ChunkReader.manual();
    s.stream("r", ChatRequest.ofUser("hi"), Subject.of("u")).subscribe(r);
    r.subscription.request(1);
    time.advance(Duration.ofSeconds(20));

    assertThat(r.items).hasSize(1);
    assertThat(r.failure.get()).as("idle timeout counts the model's silence, not the reader's").isNull();
    r.subscription.request(2);
    time.advance(Duration.ofMillis(100));
    assertThat(r.items).hasSize(3);

    time.advance(Duration.ofSeconds(11));
    assertThat(r.failure.get()).isInstanceOf(StreamInterruptedException.class);
    assertThat(((StreamInterruptedException) r.failure.get()).reason()).isInstanceOf(CallTimeoutException.class);
    assertThat(((StreamInterruptedException) r.failure.get()).deliveredChunks()).isEqualTo(3);
    assertThat(audit.get(0).outcome()).isEqualTo("timeout");
  }

  @Test
  void aStallAfterHalfTheChunksEndsAtTheIdleTimeout() {
    Sluice s = sluice(model().failure(SimulatedFailure.STREAM_STALL, 1.0).build(), policy());
    ChunkReader<ChatChunk> r = ChunkReader.manual();
    s.stream("r", ChatRequest.ofUser("hi"), Subject.of("u")).subscribe(r);
    r.subscription.request(Long.MAX_VALUE);
    time.advance(Duration.ofMillis(600));
    int before = r.items.size();
    assertThat(before).isPositive();

    // The last chunk came at 425 ms (200 ms to the first, then 75 ms apart); the idle timeout is 1 s.
    time.advance(Duration.ofMillis(700));
    assertThat(r.failure.get()).isNull();
    time.advance(Duration.ofMillis(200));
    assertThat(r.failure.get()).isInstanceOf(StreamInterruptedException.class);
    ModelCallException cause = (ModelCallException) ((StreamInterruptedException) r.failure.get()).reason();
    assertThat(cause.kind()).isEqualTo(ModelCallException.Kind.ATTEMPT_TIMEOUT);
    assertThat(cause.getMessage()).contains("idle timeout");
  }

  @Test
  void cancellingTheSubscriptionCancelsTheCallAndItsStream() {
    Sluice s = sluice(model().build(), policy());
    ChunkReader<ChatChunk> r = ChunkReader.manual();
    SluiceStream stream = s.stream("r", ChatRequest.ofUser("hi"), Subject.of("u"));
    stream.subscribe(r);
    r.subscription.request(Long.MAX_VALUE);
    time.advance(Duration.ofMillis(300));
    r.subscription.cancel();
    time.advance(Duration.ofSeconds(5));

    assertThat(stream.response()).isCompletedExceptionally();
    assertThat(r.complete).isFalse();
    assertThat(audit).hasSize(1);
    assertThat(time.pendingTasks()).as("no timer left behind").isZero();
  }

  @Test
  void aStreamIsOneCallAndCanBeSubscribedToOnce() {
    Sluice s = sluice(model().noLatency().build(), policy());
    SluiceStream stream = s.stream("r", ChatRequest.ofUser("hi"), Subject.of("u"));
    ChunkReader<ChatChunk> first = ChunkReader.manual();
    ChunkReader<ChatChunk> second = ChunkReader.manual();
    stream.subscribe(first);
    stream.subscribe(second);
    first.subscription.request(Long.MAX_VALUE);

    assertThat(first.complete).isTrue();
    assertThat(second.failure.get()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void brokenStreamsCountAgainstTheVariantsBreaker() {
    ResiliencePolicy p = ResiliencePolicy.builder().maxAttempts(1).deadline(Duration.ofSeconds(30))
        .circuitBreaker(50, 4, Duration.ofSeconds(30)).breakerMinimumCalls(4).build();
    Sluice s = sluice(model().noLatency().failure(SimulatedFailure.STREAM_CUT, 1.0).build(), p);
    for (int i = 0; i < 4; i++) {
      ChunkReader<ChatChunk> r = ChunkReader.manual();
      s.stream("r", ChatRequest.ofUser("hi"), Subject.of("u")).subscribe(r);
      r.subscription.request(Long.MAX_VALUE);
      assertThat(r.failure.get()).isInstanceOf(StreamInterruptedException.class);
    }
    ChunkReader<ChatChunk> r = ChunkReader.manual();
    SluiceStream stream = s.stream("r", ChatRequest.ofUser("hi"), Subject.of("u"));
    stream.subscribe(r);
    r.subscription.request(1);

    assertThat(r.failure.get()).as("nothing was delivered: the call's own failure").isInstanceOf(CircuitOpenException.class);
    assertThat(r.items).isEmpty();
    assertThat(stream.response()).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(CircuitOpenException.class);
  }

  @Test
  void theBlockingIteratorThrowsTheStreamsFailure() {
    Sluice s = sluice(model().noLatency().failure(SimulatedFailure.UNAVAILABLE, 1.0).build(), policy());
    SluiceStream stream = s.stream("r", ChatRequest.ofUser("hi"), Subject.of("u"));
    var it = stream.iterator();

    org.assertj.core.api.Assertions.assertThatThrownBy(it::hasNext).isInstanceOf(ModelCallException.class);
    assertThat(stream.response()).isCompletedExceptionally();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stream.response().join()).isInstanceOf(CompletionException.class);
  }
}
