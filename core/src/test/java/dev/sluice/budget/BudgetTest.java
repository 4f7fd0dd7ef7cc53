package dev.sluice.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.outcome.BudgetExceededException;
import dev.sluice.Fixtures;
import dev.sluice.Fixtures.Events;
import dev.sluice.outcome.GuardrailBlockedException;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.Outcome;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.Route;
import dev.sluice.ScriptedModel;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelClient;
import dev.sluice.model.ModelParameters;
import dev.sluice.pipeline.Phase;
import dev.sluice.StepFactory;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BudgetTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Events events = new Events();
  final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-11-22T12:00:00Z"));

  static ChatRequest request(int maxTokens) {
    return ChatRequest.builder().user("How do I reset my password?")
        .parameters(ModelParameters.builder().maxOutputTokens(maxTokens).build()).build();
  }

  Sluice sluice(ModelClient model, BudgetPolicy budget, ResiliencePolicy resilience) {
    return Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1"))
            .budget(budget).resilience(resilience).build())
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).build();
  }

  @Test
  void sixtyFourThreadsNeverSpendOneCentOverTheCapAndSettleExactly() throws Exception {
    // gpt-4o: $2.50 in, $10 out per million; output drawn up to 400 tokens, so a call costs up to about $0.004
    SimulatedModelClient model = SimulatedModelClient.builder().seed(17).outputTokens(150, 2000).text("ok").build();
    BudgetCap cap = BudgetCap.usd(BudgetScope.ROUTE, BudgetPeriod.DAY, "1.00");
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1"))
            .budget(BudgetPolicy.builder().cap(cap).build())
            .resilience(ResiliencePolicy.builder().failOnTruncatedOutput(false).build()).build())
        .meterRegistry(registry).auditSink(events::accept).build();

    ExecutorService pool = Executors.newFixedThreadPool(64);
    List<Future<long[]>> results = new ArrayList<>();
    for (int t = 0; t < 64; t++) {
      results.add(pool.submit(() -> {
        long spent = 0;
        long rejected = 0;
        for (int i = 0; i < 20; i++) {
          try {
            spent += s.call("r", request(400), Subject.of("u")).cost().nanoUsd();
          } catch (BudgetExceededException e) {
            rejected++;
          }
        }
        return new long[] {spent, rejected};
      }));
    }
    long spent = 0;
    long rejected = 0;
    for (Future<long[]> f : results) {
      long[] r = f.get(120, TimeUnit.SECONDS);
      spent += r[0];
      rejected += r[1];
    }
    pool.shutdown();

    BudgetLedger.Balance b = s.ledger().balance(accountKey(cap, "r", "2026"));
    assertThat(rejected).as("the cap must bind for the test to mean anything").isGreaterThan(0);
    assertThat(b.spent()).isLessThanOrEqualTo(cap.limit()).isEqualTo(spent);
    assertThat(b.reserved()).isZero();
    assertThat(((InMemoryBudgetLedger) s.ledger()).totalReserved()).isZero();
  }

  /** The key of today's account, found by prefix (the period start depends on today's date). */
  static String accountKey(BudgetCap cap, String scopeValue, String ignored) {
    Instant now = Instant.now();
    return cap.id() + "|" + scopeValue + "|" + cap.period().start(now, java.time.ZoneOffset.UTC);
  }

  @Test
  void reservationsAreReleasedAfterFailuresTimeoutsCancellationsAndGuardrailBlocks() {
    BudgetPolicy budget = BudgetPolicy.builder().cap(BudgetCap.usd(BudgetScope.GLOBAL, BudgetPeriod.DAY, "5")).build();
    ResiliencePolicy oneAttempt = ResiliencePolicy.builder().maxAttempts(1).attemptTimeout(Duration.ofSeconds(1)).build();

    Sluice failing = sluice(new ScriptedModel(time, List.of(), ScriptedModel.fail(Duration.ZERO, 500)), budget, oneAttempt);
    assertThatThrownBy(() -> failing.call("r", request(100), Subject.anonymous())).isInstanceOf(ModelCallException.class);
    assertThat(((InMemoryBudgetLedger) failing.ledger()).totalReserved()).isZero();

    Sluice hanging = sluice(new ScriptedModel(time, List.of(), ScriptedModel.hang()), budget, oneAttempt);
    CompletableFuture<SluiceResponse> timedOut = hanging.callAsync("r", request(100), Subject.anonymous());
    assertThat(((InMemoryBudgetLedger) hanging.ledger()).totalReserved()).isPositive();
    time.advance(Duration.ofSeconds(2));
    assertThat(timedOut).isCompletedExceptionally();
    assertThat(((InMemoryBudgetLedger) hanging.ledger()).totalReserved()).isZero();

    CompletableFuture<SluiceResponse> cancelled = hanging.callAsync("r", request(100), Subject.anonymous());
    cancelled.cancel(true);
    assertThat(((InMemoryBudgetLedger) hanging.ledger()).totalReserved()).isZero();

    Sluice blocked = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", new ScriptedModel(time, List.of(),
            ScriptedModel.ok(Duration.ZERO, "secret")), "gpt-4o", "p1")).budget(budget).resilience(oneAttempt).build())
        .step(StepFactory.of(Phase.OUTPUT_GUARDRAILS, (call, next) -> next.proceed(call).thenApply(r -> {
          throw new GuardrailBlockedException("leak", "the answer leaks a secret");
        })))
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).build();
    assertThatThrownBy(() -> blocked.call("r", request(100), Subject.anonymous())).isInstanceOf(GuardrailBlockedException.class);
    assertThat(((InMemoryBudgetLedger) blocked.ledger()).totalReserved()).isZero();
    // the blocked answer was paid for, and the ledger says so
    assertThat(blocked.ledger().balance(BudgetCap.usd(BudgetScope.GLOBAL, BudgetPeriod.DAY, "5").id() + "|*|"
        + BudgetPeriod.DAY.start(time.now(), ZoneId.of("UTC"))).spent()).isPositive();
  }

  @Test
  void aFullCapRejectsNamingScopeCapPeriodAndResetTime() {
    // each call reserves up to $0.02 (2,000 output tokens on gpt-4o) and spends about $0.015
    ScriptedModel model = new ScriptedModel(time, List.of(), ScriptedModel.okUsing(Duration.ZERO, "ok", 10, 1500));
    BudgetPolicy budget = BudgetPolicy.builder().cap(BudgetCap.usd(BudgetScope.TENANT, BudgetPeriod.DAY, "0.05")).build();
    Sluice s = sluice(model, budget, ResiliencePolicy.DEFAULTS);
    Subject acme = Subject.builder().routingKey("u1").tenant("acme").build();

    s.call("r", request(2000), acme);
    s.call("r", request(2000), acme);
    // $0.03 spent; the third call may need $0.02 and only $0.0199.. is left
    assertThatThrownBy(() -> s.call("r", request(2000), acme)).isInstanceOfSatisfying(BudgetExceededException.class, e -> {
      assertThat(e.scope()).isEqualTo("tenant acme per day");
      assertThat(e.resetsAt()).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
      assertThat(e.getMessage()).contains("$0.05").contains("resets at 2026-11-23T00:00:00Z");
      assertThat(e.outcome()).isEqualTo(Outcome.BUDGET_EXCEEDED);
    });
    assertThat(registry.get("sluice.calls").tag("outcome", "budget_exceeded").counter().count()).isEqualTo(1);
    assertThat(registry.get("sluice.budget.rejections").tag("scope", "tenant").counter().count()).isEqualTo(1);
  }

  @Test
  void oneTenantsSpendNeverBlocksAnother() {
    ScriptedModel model = new ScriptedModel(time, List.of(), ScriptedModel.okUsing(Duration.ZERO, "ok", 10, 290));
    BudgetPolicy budget = BudgetPolicy.builder().cap(BudgetCap.tokens(BudgetScope.TENANT, BudgetPeriod.HOUR, 1000)).build();
    Sluice s = sluice(model, budget, ResiliencePolicy.DEFAULTS);
    Subject a = Subject.builder().routingKey("u1").tenant("a").build();
    Subject b = Subject.builder().routingKey("u2").tenant("b").build();

    int served = 0;
    try {
      for (int i = 0; i < 100; i++) {
        s.call("r", request(300), a);
        served++;
      }
    } catch (BudgetExceededException expected) {
      // tenant a is out
    }
    assertThat(served).isEqualTo(3);
    assertThat(s.call("r", request(300), b).outcome()).isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void periodsRollOverAtMidnightInTheConfiguredZone() {
    ManualTimeSource ny = new ManualTimeSource(Instant.parse("2026-11-22T04:59:00Z")); // 23:59 in New York
    ScriptedModel model = new ScriptedModel(ny, List.of(), ScriptedModel.okUsing(Duration.ZERO, "ok", 10, 590));
    BudgetPolicy budget = BudgetPolicy.builder().cap(BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 1000))
        .zone(ZoneId.of("America/New_York")).build();
    Sluice s = Sluice.builder().route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1")).budget(budget).build())
        .timeSource(ny).meterRegistry(registry).auditSink(events::accept).build();

    s.call("r", request(600), Subject.anonymous());
    assertThatThrownBy(() -> s.call("r", request(600), Subject.anonymous()))
        .isInstanceOfSatisfying(BudgetExceededException.class,
            e -> assertThat(e.resetsAt()).isEqualTo(Instant.parse("2026-11-22T05:00:00Z")));

    ny.advance(Duration.ofMinutes(1));
    assertThat(s.call("r", request(600), Subject.anonymous()).outcome()).isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void monthlyCapsResetOnTheFirstOfTheMonth() {
    assertThat(BudgetPeriod.MONTH.end(Instant.parse("2026-02-14T10:00:00Z"), ZoneId.of("Europe/Paris")))
        .isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
    assertThat(BudgetPeriod.HOUR.start(Instant.parse("2026-02-14T10:42:13Z"), ZoneId.of("Asia/Kolkata")))
        .isEqualTo(Instant.parse("2026-02-14T10:30:00Z"));
  }

  @Test
  void aFullCapCanDowngradeToACheaperVariant() {
    ScriptedModel big = new ScriptedModel(time, List.of(), ScriptedModel.ok(Duration.ZERO, "big answer"));
    ScriptedModel small = new ScriptedModel(time, List.of(), ScriptedModel.ok(Duration.ZERO, "small answer"));
    // gpt-4o's worst case at 1,000 output tokens is about $0.01; gpt-4o-mini's about $0.0006
    BudgetCap cap = BudgetCap.usd(BudgetScope.ROUTE, BudgetPeriod.DAY, "0.005").onExceeded(BudgetAction.downgradeTo("small"));
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("big", big, "gpt-4o", "p1"))
            .variant(Fixtures.variant("small", small, "gpt-4o-mini", "p1"))
            .budget(BudgetPolicy.builder().cap(cap).build()).build())
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).build();

    SluiceResponse r = s.call("r", request(1000), Subject.anonymous());

    assertThat(r.text()).isEqualTo("small answer");
    assertThat(r.outcome()).isEqualTo(Outcome.FALLBACK);
    assertThat(r.fallback()).hasValueSatisfying(f -> {
      assertThat(f.kind()).isEqualTo("downgrade");
      assertThat(f.link()).isEqualTo("small");
      assertThat(f.primaryOutcome()).isEqualTo(Outcome.BUDGET_EXCEEDED);
    });
    assertThat(big.calls()).isZero();
    assertThat(registry.get("sluice.budget.downgrades").counter().count()).isEqualTo(1);
    assertThat(registry.get("sluice.calls").tag("outcome", "fallback").tag("fallback", "downgrade").counter().count()).isEqualTo(1);
    assertThat(events.only().fallback()).containsEntry("kind", "downgrade");
  }

  @Test
  void crossingTheSoftThresholdRaisesAnEventAndTheCallProceeds() {
    ScriptedModel model = new ScriptedModel(time, List.of(ScriptedModel.okUsing(Duration.ZERO, "ok", 10, 90)),
        ScriptedModel.okUsing(Duration.ZERO, "ok", 10, 590));
    BudgetPolicy budget = BudgetPolicy.builder().cap(BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 1000).softAt(0.5)).build();
    Sluice s = sluice(model, budget, ResiliencePolicy.DEFAULTS);

    assertThat(s.call("r", request(100), Subject.anonymous()).outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(registry.find("sluice.budget.soft_threshold").counter()).satisfiesAnyOf(
        c -> assertThat(c).isNull(), c -> assertThat(c.count()).isZero());
    assertThat(s.call("r", request(600), Subject.anonymous()).outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(registry.get("sluice.budget.soft_threshold").counter().count()).isEqualTo(1);
    assertThat(events.all.get(1).details()).containsKey("budget_soft_threshold");
    assertThat(registry.get("sluice.budget.remaining").gauge().value()).isLessThan(0.5);
  }

  @Test
  void retriesReserveAgainAndAnAttemptWhoseReservationFailsIsNotMade() {
    // each attempt reserves ~ 600 tokens of a 1,000 cap: the retry does not fit and is not sent
    ScriptedModel model = new ScriptedModel(time, List.of(), ScriptedModel.fail(Duration.ZERO, 503));
    BudgetPolicy budget = BudgetPolicy.builder().cap(BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 1000)).build();
    Sluice s = sluice(model, budget, ResiliencePolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(10), 1, Duration.ofMillis(10), 0).build());

    CompletableFuture<SluiceResponse> f = s.callAsync("r", request(580), Subject.anonymous());
    time.advance(Duration.ofSeconds(1));
    assertThat(f).isCompletedExceptionally();
    // the failed attempt used no tokens, so its reservation came back and the retries fit again
    assertThat(model.calls()).isEqualTo(3);
  }

  @Test
  void aDollarCapOnAnUnpricedModelFailsAtBuild() {
    ScriptedModel model = new ScriptedModel(time, List.of(), ScriptedModel.ok(Duration.ZERO, "ok"));
    assertThatThrownBy(() -> Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "home-grown-7b", "p1"))
            .budget(BudgetPolicy.builder().cap(BudgetCap.usd(BudgetScope.ROUTE, BudgetPeriod.DAY, "5")).build()).build())
        .meterRegistry(registry).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("route[r].variant[v1].model")
        .hasMessageContaining("PriceTable.with");
  }

  @Test
  void badCapsFailNamingTheField() {
    assertThatThrownBy(() -> BudgetCap.usd(BudgetScope.ROUTE, BudgetPeriod.DAY, "ten dollars"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("budget.usd");
    assertThatThrownBy(() -> BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 0))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("budget.limit");
    assertThatThrownBy(() -> BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 10).softAt(1.5))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("budget.softThreshold");
    ScriptedModel model = new ScriptedModel(time, List.of(), ScriptedModel.ok(Duration.ZERO, "ok"));
    assertThatThrownBy(() -> Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1"))
            .budget(BudgetPolicy.builder().cap(BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 10)
                .onExceeded(BudgetAction.downgradeTo("nope"))).build()).build())
        .meterRegistry(registry).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("downgradeTo");
  }

  @Test
  void capsOnTheInstanceApplyToEveryRoute() {
    ScriptedModel model = new ScriptedModel(time, List.of(), ScriptedModel.okUsing(Duration.ZERO, "ok", 10, 590));
    Sluice s = Sluice.builder()
        .route(Route.builder("a").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1")).build())
        .route(Route.builder("b").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1")).build())
        .budget(BudgetCap.tokens(BudgetScope.GLOBAL, BudgetPeriod.DAY, 1000))
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).build();
    s.call("a", request(600), Subject.anonymous());
    assertThatThrownBy(() -> s.call("b", request(600), Subject.anonymous())).isInstanceOf(BudgetExceededException.class);
  }
}
