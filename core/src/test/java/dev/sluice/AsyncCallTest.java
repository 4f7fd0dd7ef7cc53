package dev.sluice;

import dev.sluice.subject.Subject;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures.Events;
import dev.sluice.model.ChatRequest;
import dev.sluice.simulated.SimulatedFailure;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AsyncCallTest {

  final ManualTimeSource time = new ManualTimeSource();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Events events = new Events();

  Sluice sluice(SimulatedModelClient model) {
    return Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o-mini", "p1")).build())
        .timeSource(time)
        .meterRegistry(registry)
        .auditSink(events::accept)
        .build();
  }

  @Test
  void anAsyncCallCompletesWhenTheSimulatedModelAnswersAndMeasuresSimulatedLatency() {
    var model = SimulatedModelClient.builder().timeSource(time).latency(Duration.ofMillis(300), Duration.ofMillis(300)).build();
    CompletableFuture<SluiceResponse> f = sluice(model).callAsync("r", ChatRequest.ofUser("hi"), Subject.of("u1"));

    assertThat(f).isNotDone();
    time.advance(Duration.ofMillis(299));
    assertThat(f).isNotDone();
    time.advance(Duration.ofMillis(2));

    SluiceResponse r = f.join();
    assertThat(r.latency()).isEqualTo(Duration.ofMillis(300));
    assertThat(events.only().latencyMs()).isEqualTo(300.0);
  }

  @Test
  void cancellingTheCallCancelsTheModelRequestInFlight() {
    var model = SimulatedModelClient.builder().timeSource(time).failure(SimulatedFailure.HANG, 1.0).build();
    CompletableFuture<SluiceResponse> f = sluice(model).callAsync("r", ChatRequest.ofUser("hi"), Subject.of("u1"));

    f.cancel(true);

    // the record step saw the cancelled attempt end: the call is counted and audited, nothing hangs
    assertThat(events.all).hasSize(1);
    assertThat(events.only().outcome()).isEqualTo("error");
    assertThat(time.pendingTasks()).isZero();
  }
}
