package dev.sluice.resilience;

import static dev.sluice.ScriptedModel.fail;
import static dev.sluice.ScriptedModel.hang;
import static dev.sluice.ScriptedModel.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.outcome.CallRejectedException;
import dev.sluice.outcome.CallTimeoutException;
import dev.sluice.outcome.CircuitOpenException;
import dev.sluice.Fixtures;
import dev.sluice.Fixtures.Events;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.Route;
import dev.sluice.ScriptedModel;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.subject.Subject;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ResponseFormat;
import dev.sluice.time.ManualTimeSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ResilienceTest {

  static final Duration MS_100 = Duration.ofMillis(100);
  final ManualTimeSource time = new ManualTimeSource();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Events events = new Events();

  Sluice sluice(ScriptedModel model, ResiliencePolicy policy) {
    return Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o-mini", "p1")).resilience(policy).build())
        .timeSource(time)
        .meterRegistry(registry)
        .auditSink(events::accept)
        .build();
  }

  CompletableFuture<SluiceResponse> call(Sluice s) {
    return s.callAsync("r", ChatRequest.ofUser("q"), Subject.of("u"));
  }

  void runFor(Duration d) {
    for (long t = 0; t < d.toMillis(); t += 10) {
      time.advance(Duration.ofMillis(10));
    }
  }

  static Throwable failure(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    try {
      f.join();
      throw new AssertionError("expected a failure");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  double calls(String outcome) {
    return registry.get("sluice.calls").tag("outcome", outcome).counter().count();
  }

  @Test
  void retriesUntilSuccessWithExponentialBackoff() {
    ScriptedModel model = new ScriptedModel(time, List.of(fail(MS_100, 503), fail(MS_100, 500)), ok(MS_100, "fine"));
    var policy = ResiliencePolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(200), 2, Duration.ofSeconds(5), 0).build();

    var f = call(sluice(model, policy));
    runFor(Duration.ofSeconds(2));

    assertThat(f.join().attempts()).isEqualTo(3);
    // attempt 1 at 0, fails at 100, waits 200 -> attempt 2 at 300, fails at 400, waits 400 -> attempt 3 at 800
    assertThat(model.starts).extracting(i -> Duration.between(model.starts.get(0), i).toMillis())
        .containsExactly(0L, 300L, 800L);
    assertThat(calls("success")).isEqualTo(1);
    assertThat(registry.get("sluice.retries").counter().count()).isEqualTo(2);
    assertThat(events.only().attempts()).isEqualTo(3);
  }

  @Test
  void retriesStopAtTheDeadline() {
    ScriptedModel model = new ScriptedModel(time, List.of(), fail(Duration.ofSeconds(1), 503));
    var policy = ResiliencePolicy.builder().deadline(Duration.ofMillis(3500)).attemptTimeout(Duration.ofSeconds(2))
        .maxAttempts(10).backoff(Duration.ofMillis(200), 1, Duration.ofMillis(200), 0).build();

    var f = call(sluice(model, policy));
    runFor(Duration.ofSeconds(10));

    // attempts at 0, 1.2, 2.4 s; the next would start at 3.6 s, past the 3.5 s deadline
    assertThat(model.calls()).isEqualTo(3);
    assertThat(failure(f)).isInstanceOf(CallTimeoutException.class)
        .hasMessageContaining("deadline of 3500 ms").hasMessageContaining("scripted HTTP 503")
        .hasCauseInstanceOf(ModelCallException.class);
    assertThat(calls("timeout")).isEqualTo(1);
    assertThat(events.only().outcome()).isEqualTo("timeout");
  }

  @Test
  void theDeadlineCutsAnAttemptInFlight() {
    ScriptedModel model = new ScriptedModel(time, List.of(), fail(Duration.ofSeconds(2), 503));
    var policy = ResiliencePolicy.builder().deadline(Duration.ofMillis(3000)).attemptTimeout(Duration.ofSeconds(10))
        .maxAttempts(5).backoff(Duration.ofMillis(100), 1, Duration.ofMillis(100), 0).build();

    var f = call(sluice(model, policy));
    runFor(Duration.ofSeconds(3));

    assertThat(f).isCompletedExceptionally();
    assertThat(failure(f)).isInstanceOf(CallTimeoutException.class);
    assertThat(model.calls()).isEqualTo(2);
    assertThat(model.inFlight.get(1)).isCancelled();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void aTimedOutAttemptIsAbortedAndRetried() {
    ScriptedModel model = new ScriptedModel(time, List.of(hang()), ok(MS_100, "second time lucky"));
    var policy = ResiliencePolicy.builder().attemptTimeout(Duration.ofSeconds(1)).backoff(MS_100, 1, MS_100, 0).build();

    var f = call(sluice(model, policy));
    runFor(Duration.ofSeconds(2));

    assertThat(f.join().text()).isEqualTo("second time lucky");
    assertThat(model.inFlight.get(0)).isCancelled();
    assertThat(registry.get("gen_ai.client.operation.duration").tag("error.type", "timeout").timer().count()).isEqualTo(1);
  }

  @Test
  void retryAfterIsHonouredUpToItsCap() {
    ScriptedModel model = new ScriptedModel(time, List.of(fail(Duration.ZERO, 429, Duration.ofSeconds(2))), ok(Duration.ZERO, "ok"));
    var policy = ResiliencePolicy.builder().backoff(MS_100, 1, MS_100, 0).retryAfterCap(Duration.ofSeconds(5)).build();
    var f = call(sluice(model, policy));
    runFor(Duration.ofSeconds(3));
    assertThat(f.join().attempts()).isEqualTo(2);
    assertThat(Duration.between(model.starts.get(0), model.starts.get(1))).isEqualTo(Duration.ofSeconds(2));

    ScriptedModel capped = new ScriptedModel(time, List.of(fail(Duration.ZERO, 429, Duration.ofSeconds(60))), ok(Duration.ZERO, "ok"));
    var cappedPolicy = policy.toBuilder().retryAfterCap(Duration.ofSeconds(1)).build();
    var g = call(sluice(capped, cappedPolicy));
    runFor(Duration.ofSeconds(2));
    assertThat(g.join().attempts()).isEqualTo(2);
    assertThat(Duration.between(capped.starts.get(0), capped.starts.get(1))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void clientErrorsAndContextLengthAreNeverRetried() {
    for (int status : new int[] {400, 401, 403, 404}) {
      ScriptedModel model = new ScriptedModel(time, List.of(), fail(Duration.ZERO, status));
      var f = call(sluice(model, ResiliencePolicy.DEFAULTS));
      runFor(Duration.ofSeconds(1));
      assertThat(model.calls()).as("HTTP %s", status).isEqualTo(1);
      assertThat(((ModelCallException) failure(f)).status()).isEqualTo(status);
    }
    ScriptedModel tooLong = new ScriptedModel(time, List.of(), ScriptedModel.failWith(Duration.ZERO,
        new ModelCallException(ModelCallException.Kind.CONTEXT_LENGTH, 400, "maximum context length is 8192 tokens", null, null)));
    var f = call(sluice(tooLong, ResiliencePolicy.DEFAULTS));
    runFor(Duration.ofSeconds(1));
    assertThat(tooLong.calls()).isEqualTo(1);
    assertThat(((ModelCallException) failure(f)).kind()).isEqualTo(ModelCallException.Kind.CONTEXT_LENGTH);
  }

  @Test
  void theBreakerOpensRejectsFastAndClosesAfterSuccessfulProbes() {
    ScriptedModel model = new ScriptedModel(time, List.of(
        fail(Duration.ZERO, 500), fail(Duration.ZERO, 500), fail(Duration.ZERO, 500), fail(Duration.ZERO, 500)),
        ok(Duration.ZERO, "recovered"));
    var policy = ResiliencePolicy.builder().maxAttempts(1).circuitBreaker(50, 4, Duration.ofSeconds(30)).halfOpenCalls(2).build();
    Sluice s = sluice(model, policy);
    CircuitBreaker cb = s.circuitBreaker("r", "v1");

    for (int i = 0; i < 4; i++) {
      call(s);
    }
    assertThat(cb.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(registry.get("sluice.breaker.state").tag("variant", "v1").gauge().value()).isEqualTo(1.0);

    var rejected = call(s);
    assertThat(failure(rejected)).isInstanceOf(CircuitOpenException.class).hasMessageContaining("'v1'");
    assertThat(model.calls()).isEqualTo(4);
    assertThat(calls("circuit_open")).isEqualTo(1);

    time.advance(Duration.ofSeconds(31));
    assertThat(call(s).join().text()).isEqualTo("recovered");
    assertThat(cb.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    call(s).join();
    assertThat(cb.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(registry.get("sluice.breaker.state").tag("variant", "v1").gauge().value()).isEqualTo(0.0);
  }

  @Test
  void clientErrorsDoNotOpenTheBreaker() {
    ScriptedModel model = new ScriptedModel(time, List.of(), fail(Duration.ZERO, 400));
    var policy = ResiliencePolicy.builder().maxAttempts(1).circuitBreaker(50, 4, Duration.ofSeconds(30)).build();
    Sluice s = sluice(model, policy);
    for (int i = 0; i < 10; i++) {
      call(s);
    }
    assertThat(s.circuitBreaker("r", "v1").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void theRetryBudgetHoldsUnderAnOutage() {
    ScriptedModel model = new ScriptedModel(time, List.of(), fail(Duration.ZERO, 503));
    var policy = ResiliencePolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(10), 1, Duration.ofMillis(10), 0)
        .retryBudget(0.2, Duration.ofSeconds(10), 5)
        .circuitBreaker(100, 10_000, Duration.ofSeconds(1)).build();
    Sluice s = sluice(model, policy);

    List<CompletableFuture<SluiceResponse>> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add(call(s));
      time.advance(Duration.ofMillis(5)); // 1000 calls over 5 s: inside one budget window
    }
    runFor(Duration.ofSeconds(1));

    assertThat(all).allMatch(CompletableFuture::isCompletedExceptionally);
    int retries = model.calls() - 1000;
    // without a budget an outage would send 2,000 retries
    assertThat(retries).isLessThanOrEqualTo((int) (0.2 * 1000) + 5).isGreaterThan(100);
    assertThat(registry.get("sluice.retry.budget.exhausted").counter().count()).isGreaterThan(0);
  }

  @Test
  void theBulkheadRejectsOverItsLimitAndFreesSlotsWhenAttemptsEnd() {
    ScriptedModel model = new ScriptedModel(time, List.of(), ok(Duration.ofSeconds(1), "ok"));
    var policy = ResiliencePolicy.builder().maxAttempts(1).bulkhead(2, Duration.ZERO).build();
    Sluice s = sluice(model, policy);

    var a = call(s);
    var b = call(s);
    var c = call(s);
    assertThat(failure(c)).isInstanceOfSatisfying(CallRejectedException.class, e -> assertThat(e.reason()).isEqualTo("bulkhead_full"));
    assertThat(registry.get("sluice.rejections").tag("reason", "bulkhead_full").counter().count()).isEqualTo(1);
    assertThat(calls("rejected")).isEqualTo(1);

    time.advance(Duration.ofSeconds(1));
    assertThat(a.join().text()).isEqualTo("ok");
    assertThat(b.join().text()).isEqualTo("ok");
    var d = call(s);
    time.advance(Duration.ofSeconds(1));
    assertThat(d.join().text()).isEqualTo("ok");
  }

  @Test
  void aFailedAttemptFreesItsBulkheadSlot() {
    ScriptedModel model = new ScriptedModel(time, List.of(), fail(Duration.ZERO, 500));
    var policy = ResiliencePolicy.builder().maxAttempts(1).bulkhead(1, Duration.ZERO).circuitBreaker(100, 1000, Duration.ofSeconds(1)).build();
    Sluice s = sluice(model, policy);
    for (int i = 0; i < 5; i++) {
      assertThat(failure(call(s))).isInstanceOf(ModelCallException.class);
    }
  }

  @Test
  void theRateLimiterRejectsOverItsRequestsPerMinute() {
    ScriptedModel model = new ScriptedModel(time, List.of(), ok(Duration.ZERO, "ok"));
    Sluice s = sluice(model, ResiliencePolicy.builder().maxAttempts(1).requestsPerMinute(3).build());
    for (int i = 0; i < 3; i++) {
      assertThat(call(s).join().text()).isEqualTo("ok");
    }
    assertThat(failure(call(s))).isInstanceOfSatisfying(CallRejectedException.class, e -> assertThat(e.reason()).isEqualTo("rate_limited"));
  }

  @Test
  void emptyAndTruncatedOutputAreFailuresThatRetriesSee() {
    ScriptedModel model = new ScriptedModel(time, List.of(
        ScriptedModel.text(Duration.ZERO, "", FinishReason.STOP),
        ScriptedModel.text(Duration.ZERO, "cut off mid", FinishReason.LENGTH)), ok(Duration.ZERO, "whole answer"));
    var f = call(sluice(model, ResiliencePolicy.builder().backoff(MS_100, 1, MS_100, 0).build()));
    runFor(Duration.ofSeconds(1));
    assertThat(f.join().text()).isEqualTo("whole answer");
    assertThat(f.join().attempts()).isEqualTo(3);
  }

  @Test
  void jsonThatDoesNotParseWhenJsonWasAskedForIsAFailure() {
    ScriptedModel model = new ScriptedModel(time, List.of(ok(Duration.ZERO, "{\"answer\": \"res")), ok(Duration.ZERO, "```json\n{\"answer\": 1}\n```"));
    Sluice s = sluice(model, ResiliencePolicy.builder().backoff(MS_100, 1, MS_100, 0).build());
    var f = s.callAsync("r", ChatRequest.builder().user("q").responseFormat(ResponseFormat.JSON_OBJECT).build(), Subject.of("u"));
    runFor(Duration.ofSeconds(1));
    assertThat(f.join().attempts()).isEqualTo(2);
    // Both requests were answered (the first answer failed Sluice's check, not the model call): no error.type on either.
    assertThat(registry.get("gen_ai.client.operation.duration").timers()).singleElement()
        .satisfies(t -> assertThat(t.getId().getTag("error.type")).isNull())
        .satisfies(t -> assertThat(t.count()).isEqualTo(2));
  }

  @Test
  void badOutputCountsAgainstTheBreaker() {
    ScriptedModel model = new ScriptedModel(time, List.of(), ScriptedModel.text(Duration.ZERO, " ", FinishReason.STOP));
    var policy = ResiliencePolicy.builder().maxAttempts(1).circuitBreaker(50, 3, Duration.ofSeconds(30)).build();
    Sluice s = sluice(model, policy);
    for (int i = 0; i < 3; i++) {
      assertThat(((ModelCallException) failure(call(s))).kind()).isEqualTo(ModelCallException.Kind.BAD_OUTPUT);
    }
    assertThat(s.circuitBreaker("r", "v1").getState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void aVariantCanOverrideItsAttemptTimeout() {
    ScriptedModel model = new ScriptedModel(time, List.of(), ok(Duration.ofSeconds(2), "slow but fine"));
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o-mini", "p1"))
            .resilience(ResiliencePolicy.builder().attemptTimeout(Duration.ofSeconds(1)).maxAttempts(1).build())
            .resilience("v1", VariantResilience.DEFAULTS.withTimeout(TimeoutPolicy.ofAttempt(Duration.ofSeconds(5))))
            .build())
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).build();
    var f = s.callAsync("r", ChatRequest.ofUser("q"), Subject.of("u"));
    time.advance(Duration.ofSeconds(3));
    assertThat(f.join().text()).isEqualTo("slow but fine");
  }
}
