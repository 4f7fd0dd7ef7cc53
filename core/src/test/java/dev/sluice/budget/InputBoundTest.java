package dev.sluice.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.Fixtures.EchoModel;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.TokenUsage;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import dev.sluice.tokens.TokenCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The input is reserved at its byte-count bound and counted exactly only where that matters: a
 * call the bound would deny but the exact count admits is served, near a cap the reservation is
 * the exact one, and usage nobody reported settles at the exact worst case, not at the bound's.
 */
class InputBoundTest {

  static final String PROMPT = "Please tell me about the status of my order and when it will arrive. ".repeat(30);
  static final int OUTPUT = 100;

  final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-11-30T12:00:00Z"));

  static ChatRequest request() {
    return ChatRequest.builder().user(PROMPT).parameters(ModelParameters.builder().maxOutputTokens(OUTPUT).build()).build();
  }

  static long exact() {
    return TokenCounter.shared().countInput("gpt-4o", request().toBuilder().model("gpt-4o").build()) + OUTPUT;
  }

  static long bound() {
    return TokenCounter.shared().upperBound(request()) + OUTPUT;
  }

  /** A model that notes what the route's cap had reserved while it was being called. */
  final AtomicReference<Sluice> sluice = new AtomicReference<>();
  final AtomicLong reservedDuringCall = new AtomicLong(-1);

  Sluice sluice(long tokenCap, TokenUsage usage) {
    EchoModel model = new EchoModel(r -> {
      reservedDuringCall.set(sluice.get().budgetStandings("r").get(0).reserved());
      return new ChatResponse("ok", FinishReason.STOP, usage, "test", "gpt-4o", List.of());
    });
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1"))
            .budget(BudgetPolicy.builder().cap(BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, tokenCap)).build())
            .resilience(ResiliencePolicy.builder().maxAttempts(1).attemptTimeout(Duration.ofSeconds(1)).build()).build())
        .timeSource(time).meterRegistry(new SimpleMeterRegistry()).auditSink(e -> { }).build();
    sluice.set(s);
    return s;
  }

  @Test
  void theBoundIsLooseEnoughToMatter() {
    assertThat(bound()).as("bound %s vs exact %s", bound(), exact()).isGreaterThan(3 * exact());
  }

  @Test
  void farFromTheCapTheInputIsReservedAtItsBoundWithoutEncodingIt() {
    Sluice s = sluice(1_000_000, new TokenUsage(500, 20, 0));
    s.call("r", request(), Subject.of("u"));
    assertThat(reservedDuringCall.get()).isGreaterThanOrEqualTo(bound());
    assertThat(s.budgetStandings("r").get(0).spent()).isEqualTo(520);
  }

  @Test
  void aCallTheBoundWouldDenyButTheExactCountAdmitsIsServed() {
    long cap = (exact() + bound()) / 2;
    Sluice s = sluice(cap, new TokenUsage(500, 20, 0));
    assertThat(s.call("r", request(), Subject.of("u")).text()).isEqualTo("ok");
    assertThat(reservedDuringCall.get()).isEqualTo(exact());
  }

  @Test
  void nearTheCapTheReservationIsTheExactCount() {
    long cap = bound() * 3 / 2; // the bound fits, but leaves the cap more than half used
    Sluice s = sluice(cap, new TokenUsage(500, 20, 0));
    s.call("r", request(), Subject.of("u"));
    assertThat(reservedDuringCall.get()).isEqualTo(exact());
  }

  @Test
  void usageNobodyReportedSettlesAtTheExactWorstCaseNotTheBounds() {
    Sluice s = sluice(1_000_000, TokenUsage.UNKNOWN);
    s.call("r", request(), Subject.of("u"));
    assertThat(reservedDuringCall.get()).as("reserved at the bound").isGreaterThanOrEqualTo(bound());
    assertThat(s.budgetStandings("r").get(0).spent()).isEqualTo(exact());
    assertThat(s.budgetStandings("r").get(0).reserved()).isZero();
  }
}
