package dev.sluice.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Fixtures;
import dev.sluice.Fixtures.EchoModel;
import dev.sluice.Fixtures.Events;
import dev.sluice.Route;
import dev.sluice.ScriptedModel;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelClient;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.TokenUsage;
import dev.sluice.model.ToolDefinition;
import dev.sluice.outcome.BudgetExceededException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.pricing.PriceTable;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Budgets never understate what a provider bills: aborted attempts, tools and schemas, response models, absurd or missing usage, tenant-less calls. */
class BudgetBillingTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Events events = new Events();
  final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-11-22T12:00:00Z"));
  static final ResiliencePolicy ONE_ATTEMPT = ResiliencePolicy.builder().maxAttempts(1).attemptTimeout(Duration.ofSeconds(1)).build();

  Sluice sluice(ModelClient model, BudgetCap cap) {
    return Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1"))
            .budget(BudgetPolicy.builder().cap(cap).build()).resilience(ONE_ATTEMPT).build())
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).build();
  }

  static ChatRequest request() {
    return ChatRequest.builder().user("How do I reset my password?").parameters(ModelParameters.builder().maxOutputTokens(100).build()).build();
  }

  static BudgetStanding standing(Sluice s) {
    return s.budgetStandings("r").get(0);
  }

  static ChatResponse answer(TokenUsage usage, String model) {
    return new ChatResponse("ok", FinishReason.STOP, usage, "test", model, List.of());
  }

  @Test
  void aTimedOutAttemptSettlesAtItsReservationNotZero() {
    Sluice s = sluice(new ScriptedModel(time, List.of(), ScriptedModel.hang()), BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 100_000));
    CompletableFuture<SluiceResponse> call = s.callAsync("r", request(), Subject.of("u"));
    long reserved = standing(s).reserved();
    assertThat(reserved).isPositive();
    time.advance(Duration.ofSeconds(2));
    assertThat(call).isCompletedExceptionally();
    assertThat(standing(s).reserved()).isZero();
    assertThat(standing(s).spent()).as("the provider may have billed the cut attempt").isEqualTo(reserved);
    assertThat(events.only().details()).containsEntry("budget_settled_at", "reservation");
  }

  @Test
  void aBrokenConnectionSettlesAtTheReservationAnHttpErrorAtZero() {
    Sluice broken = sluice(new ScriptedModel(time, List.of(), ScriptedModel.failWith(Duration.ZERO,
        ModelCallException.of(ModelCallException.Kind.CONNECTION, "reset mid-body"))), BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 100_000));
    assertThatThrownBy(() -> broken.call("r", request(), Subject.of("u"))).isInstanceOf(ModelCallException.class);
    assertThat(standing(broken).spent()).isPositive();

    Sluice refused = sluice(new ScriptedModel(time, List.of(), ScriptedModel.fail(Duration.ZERO, 400)),
        BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 100_000));
    assertThatThrownBy(() -> refused.call("r", request(), Subject.of("u"))).isInstanceOf(ModelCallException.class);
    assertThat(standing(refused).spent()).as("a provider that refused the request billed nothing").isZero();
  }

  @Test
  void toolsAndTheResponseSchemaAreInTheReservation() {
    Sluice plain = sluice(new ScriptedModel(time, List.of(), ScriptedModel.hang()), BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 1_000_000));
    plain.callAsync("r", request(), Subject.of("u"));
    long without = standing(plain).reserved();
    Sluice tools = sluice(new ScriptedModel(time, List.of(), ScriptedModel.hang()), BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 1_000_000));
    String schema = "{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\",\"description\":\"" + "the order ".repeat(200) + "\"}}}";
    tools.callAsync("r", request().toBuilder().tool(new ToolDefinition("lookup_order", "Looks an order up", schema)).build(), Subject.of("u"));
    long with = standing(tools).reserved();
    assertThat(with - without).as("the tool's schema is reserved").isGreaterThan(200);
  }

  @Test
  void aCheaperResponseModelNeverLowersTheCostAndAPricierOneRaisesIt() {
    TokenUsage usage = TokenUsage.of(1000, 1000);
    PriceTable prices = PriceTable.bundled();
    Sluice cheap = sluice(new EchoModel(r -> answer(usage, "gpt-4o-mini")), BudgetCap.usd(BudgetScope.ROUTE, BudgetPeriod.DAY, "10"));
    assertThat(cheap.call("r", request(), Subject.of("u")).cost()).isEqualTo(prices.cost("gpt-4o", usage));
    Sluice pricey = sluice(new EchoModel(r -> answer(usage, "claude-opus-4-1")), BudgetCap.usd(BudgetScope.ROUTE, BudgetPeriod.DAY, "10"));
    assertThat(prices.cost("claude-opus-4-1", usage).compareTo(prices.cost("gpt-4o", usage))).as("claude-opus-4-1 is priced higher").isPositive();
    assertThat(pricey.call("r", request(), Subject.of("u")).cost()).isEqualTo(prices.cost("claude-opus-4-1", usage));
  }

  @Test
  void implausibleUsageIsUnknownFlaggedAndSettledAtTheReservation() {
    Sluice s = sluice(new EchoModel(r -> answer(TokenUsage.of(1_000_000_000_000L, 5), "gpt-4o")),
        BudgetCap.usd(BudgetScope.ROUTE, BudgetPeriod.DAY, "10"));
    SluiceResponse r = s.call("r", request(), Subject.of("u"));
    assertThat(r.usage().reported()).isFalse();
    assertThat(r.cost().isKnown()).isFalse();
    assertThat(events.only().details()).containsKey("usage_not_plausible").containsEntry("budget_settled_at", "reservation");
    BudgetStanding b = standing(s);
    assertThat(b.spent()).isPositive().isLessThan(BudgetCap.usd(BudgetScope.ROUTE, BudgetPeriod.DAY, "0.01").limit());
  }

  @Test
  void missingUsageSettlesAtTheReservation() {
    Sluice s = sluice(new EchoModel(r -> answer(TokenUsage.UNKNOWN, "gpt-4o")), BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 100_000));
    s.call("r", request(), Subject.of("u"));
    assertThat(standing(s).spent()).as("reserved input plus 100 output tokens").isGreaterThan(100);
  }

  @Test
  void aTenantCapCountsCallsWithNoTenantTogether() {
    Sluice s = sluice(new EchoModel(r -> answer(TokenUsage.of(10, 90), "gpt-4o")), BudgetCap.tokens(BudgetScope.TENANT, BudgetPeriod.DAY, 250));
    s.call("r", request(), Subject.of("u1"));
    s.call("r", request(), Subject.of("u2"));
    assertThatThrownBy(() -> s.call("r", request(), Subject.of("u3")))
        .isInstanceOfSatisfying(BudgetExceededException.class, e -> assertThat(e.getMessage()).contains("calls with no tenant"));
    s.call("r", request(), Subject.builder().routingKey("u4").tenant("acme").build());
  }

  @Test
  void aTenantCannotTakeTheNoTenantAccountsName() {
    assertThatThrownBy(() -> Subject.builder().tenant(BudgetScope.NO_TENANT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Subject.of("k".repeat(300))).hasMessageContaining("at most 256");
  }

  @Test
  void anAttemptWhoseDeadlinePassedWhileItWasPreparedIsNeitherReservedNorSent() {
    EchoModel model = EchoModel.answering("ok", 1, 1);
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1"))
            .budget(BudgetPolicy.builder().cap(BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 100_000)).build())
            .resilience(ResiliencePolicy.builder().maxAttempts(1).deadline(Duration.ofSeconds(2)).build()).build())
        // Stands in for counting a huge input: the clock passes the deadline between the retry loop and the budget.
        .step(dev.sluice.StepFactory.of(dev.sluice.pipeline.Phase.RETRY, (call, next) -> {
          time.advance(Duration.ofSeconds(3));
          return next.proceed(call);
        }))
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).build();
    // A large input (counting a small one takes microseconds, and the step does not read the clock for it).
    ChatRequest large = ChatRequest.builder().user("tell me about my order ".repeat(1000))
        .parameters(ModelParameters.builder().maxOutputTokens(100).build()).build();
    assertThatThrownBy(() -> s.call("r", large, Subject.of("u")))
        .isInstanceOf(dev.sluice.outcome.CallTimeoutException.class).hasMessageContaining("being prepared");
    assertThat(model.requests).isEmpty();
    assertThat(standing(s).spent()).isZero();
    assertThat(standing(s).reserved()).isZero();
  }
}
