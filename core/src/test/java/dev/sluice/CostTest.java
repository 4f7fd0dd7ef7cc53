package dev.sluice;

import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.outcome.InvalidConfigurationException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Fixtures.EchoModel;
import dev.sluice.Fixtures.Events;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.TokenUsage;
import dev.sluice.pricing.Cost;
import dev.sluice.pricing.ModelPrice;
import dev.sluice.pricing.PriceTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CostTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Events events = new Events();

  @Test
  void costIsUsageTimesListPriceWithCachedInputAtItsOwnPrice() {
    ModelPrice gpt4o = ModelPrice.perMillion("2.50", "10.00", "1.25");

    // 1000 uncached input at $2.50/M = $0.0025; 200 output at $10/M = $0.002
    assertThat(gpt4o.cost(TokenUsage.of(1000, 200)).usd()).isEqualByComparingTo("0.0045");
    // 600 uncached at 2.50 = 0.0015, 400 cached at 1.25 = 0.0005, 200 out = 0.002
    assertThat(gpt4o.cost(new TokenUsage(1000, 200, 400)).usd()).isEqualByComparingTo("0.0040");
  }

  @Test
  void costRoundsUpToTheNanoDollar() {
    ModelPrice cheap = ModelPrice.perMillion("0.0005", "0.0005");
    // one token at $0.0005 per million is 500 pico-dollars: rounds up to 1 nano-dollar, never to zero.
    assertThat(cheap.cost(TokenUsage.of(1, 0)).nanoUsd()).isEqualTo(1);
  }

  @Test
  void theBundledTableHasAtLeastFifteenModelsAcrossProviders() {
    PriceTable t = PriceTable.bundled();
    assertThat(t.prices()).hasSizeGreaterThanOrEqualTo(15);
    assertThat(t.prices()).containsKeys("gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-flash",
        "mistral-large-latest", "llama-3.3-70b-versatile");
    assertThat(t.asOf()).isPresent();
    assertThat(t.cost("gpt-4o-mini", TokenUsage.of(1_000_000, 1_000_000)).usd()).isEqualByComparingTo("0.75");
  }

  @Test
  void datedSnapshotsAndProviderPrefixesFindTheirModel() {
    PriceTable t = PriceTable.bundled();
    assertThat(t.price("gpt-4o-mini-2024-07-18")).isEqualTo(t.price("gpt-4o-mini"));
    assertThat(t.price("gpt-4o-2024-08-06")).isEqualTo(t.price("gpt-4o"));
    assertThat(t.price("openai/gpt-4.1")).isEqualTo(t.price("gpt-4.1"));
    assertThat(t.price("gpt-4o-mini-2024-07-18").get()).isNotEqualTo(t.price("gpt-4o").get());
  }

  @Test
  void anUnknownModelCostsUnknownNeverZero() {
    Cost c = PriceTable.bundled().cost("acme-secret-model", TokenUsage.of(100, 100));
    assertThat(c.isKnown()).isFalse();
    assertThat(c).isNotEqualTo(Cost.ZERO);
    assertThat(c.plus(Cost.ofNanoUsd(5)).isKnown()).isFalse();
    assertThatThrownBy(c::usd).isInstanceOf(IllegalStateException.class).hasMessageContaining("unknown");
  }

  @Test
  void theApplicationCanOverrideAndExtendPrices() throws Exception {
    PriceTable t = PriceTable.bundled()
        .with("gpt-4o", ModelPrice.perMillion("1.00", "4.00"))
        .withAll(PriceTable.fromJson(new ByteArrayInputStream(
            "{\"models\":{\"acme-llm\":{\"input\":0.5,\"output\":1.5}}}".getBytes(StandardCharsets.UTF_8))));
    assertThat(t.cost("gpt-4o", TokenUsage.of(1_000_000, 0)).usd()).isEqualByComparingTo("1.00");
    assertThat(t.cost("acme-llm", TokenUsage.of(0, 1_000_000)).usd()).isEqualByComparingTo("1.50");
  }

  @Test
  void aPriceTableWithAMissingPriceFailsNamingTheField() {
    assertThatThrownBy(() -> PriceTable.fromJson(new ByteArrayInputStream(
        "{\"models\":{\"m\":{\"input\":0.5}}}".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("models.m.output");
  }

  @Test
  void theResponseAndTheMetersCarryTheCallsCost() {
    EchoModel model = EchoModel.answering("ok", 2000, 500);
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(Variant.builder("v1").client(model).model("gpt-4o").build()).build())
        .meterRegistry(registry).auditSink(events::accept).build();

    SluiceResponse r = s.call("r", ChatRequest.ofUser("x"), Subject.anonymous());

    // 2000 * 2.50/M + 500 * 10/M = 0.005 + 0.005
    assertThat(r.cost().usd()).isEqualByComparingTo(new BigDecimal("0.01"));
    assertThat(registry.get("sluice.cost").counter().count()).isEqualTo(0.01, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(events.only().costUsd()).isEqualTo("0.010000000");
  }

  @Test
  void aCallToAnUnpricedModelReportsUnknownCostAndCountsIt() {
    EchoModel model = new EchoModel(req -> ChatResponse.of("ok", TokenUsage.of(10, 10), "test", "home-grown-7b"));
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(Variant.builder("v1").client(model).model("home-grown-7b").build()).build())
        .meterRegistry(registry).auditSink(events::accept).build();

    SluiceResponse r = s.call("r", ChatRequest.ofUser("x"), Subject.anonymous());

    assertThat(r.cost().isKnown()).isFalse();
    assertThat(r.cost().toString()).isEqualTo("unknown");
    assertThat(registry.get("sluice.cost.unknown").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("sluice.cost").counter().count()).isZero();
    assertThat(events.only().costUsd()).isNull();
  }
}
