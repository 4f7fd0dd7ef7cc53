package dev.sluice.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.Fixtures.EchoModel;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetPeriod;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.budget.BudgetScope;
import dev.sluice.model.ChatRequest;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** A Sluice rebuilt on a shared registry owns its gauges (they read the new instance, never NaN); closing removes them. */
class SharedRegistryTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  Sluice build() {
    return Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", EchoModel.answering("ok", 1, 1), "gpt-4o", "p1"))
            .budget(BudgetPolicy.builder().cap(BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 1_000_000)).build()).build())
        .timeSource(new ManualTimeSource()).meterRegistry(registry).build();
  }

  double breakerState() {
    return registry.get("sluice.breaker.state").tag("route", "r").tag("variant", "v1").gauge().value();
  }

  double r4jState(String state) {
    return registry.get("resilience4j.circuitbreaker.state").tag("name", "r/v1").tag("state", state).gauge().value();
  }

  @Test
  void theRebuiltInstanceOwnsItsGaugesAndClosingRemovesThem() {
    Sluice first = build();
    first.call("r", ChatRequest.ofUser("q"), Subject.of("u"));
    first.circuitBreaker("r", "v1").transitionToOpenState();
    assertThat(breakerState()).isEqualTo(1);

    Sluice second = build();
    second.call("r", ChatRequest.ofUser("q"), Subject.of("u"));
    assertThat(breakerState()).as("the new instance's closed breaker").isEqualTo(0);
    assertThat(r4jState("closed")).isEqualTo(1);
    second.circuitBreaker("r", "v1").transitionToOpenState();
    assertThat(breakerState()).isEqualTo(1);
    assertThat(r4jState("open")).isEqualTo(1);
    assertThat(registry.get("sluice.budget.remaining").tag("route", "r").gauge().value()).isBetween(0.0, 1.0);

    second.close();
    assertThat(registry.find("sluice.breaker.state").gauges()).isEmpty();
    assertThat(registry.find("resilience4j.circuitbreaker.state").tag("name", "r/v1").gauges()).isEmpty();
    assertThat(registry.find("sluice.budget.remaining").gauges()).isEmpty();
  }
}
