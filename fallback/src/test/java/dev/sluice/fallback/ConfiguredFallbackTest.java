package dev.sluice.fallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.subject.Subject;
import dev.sluice.model.ClientResolver;
import dev.sluice.config.SluiceConfiguration;
import dev.sluice.model.ChatRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** A route's fallback chain written in the configuration file, made by the module's link providers. */
class ConfiguredFallbackTest {

  static final String ROUTE = """
      routes:
        - name: support-answer
          resilience: {max_attempts: 1}
          variants:
            - id: v1
              model: gpt-4o-mini
              client: {provider: simulated, seed: 1, latency_median: 0ms, failures: {server_error: 1.0}}
            - id: backup
              model: gpt-4.1-nano
              client: {provider: simulated, seed: 2, text: "from the backup", latency_median: 0ms}
          fallback:
      %s
      """;

  Sluice sluice(String links) {
    return SluiceConfiguration.readString(ROUTE.formatted(links), ClientResolver.none()).meterRegistry(new SimpleMeterRegistry()).build();
  }

  @Test
  void theChainFromTheFileAnswersInOrder() {
    Sluice s = sluice("""
              - {kind: backup_variant, variant: backup, on: [model_error, timeout]}
              - {kind: cache, maximum_size: 100, expire_after_write: 10m}
              - {kind: fixed, text: "We cannot answer right now."}
        """);
    assertThat(s.route("support-answer").fallback()).extracting(l -> l.kind()).containsExactly("backup_variant", "cache", "fixed");
    assertThat(s.route("support-answer").fallback().get(0).triggers()).containsExactlyInAnyOrder(FallbackTrigger.MODEL_ERROR, FallbackTrigger.TIMEOUT);
    SluiceResponse r = s.call("support-answer", ChatRequest.ofUser("reset?"), Subject.of("u1"));
    assertThat(r.text()).as("fallback %s", r.fallback()).isEqualTo("from the backup");
    assertThat(r.fallback()).hasValueSatisfying(f -> assertThat(f.kind()).isEqualTo("backup_variant"));

    Sluice fixedOnly = sluice("          - {kind: fixed, text: \"We cannot answer right now.\"}");
    assertThat(fixedOnly.call("support-answer", ChatRequest.ofUser("reset?"), Subject.of("u1")).text()).isEqualTo("We cannot answer right now.");
  }

  @Test
  void mistakesNameTheEntryAndTheKinds() {
    assertThatThrownBy(() -> sluice("          - {kind: pigeon}")).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("routes[0].fallback[0].kind").hasMessageContaining("backup_variant").hasMessageContaining("fixed");
    assertThatThrownBy(() -> sluice("          - {kind: hand_off}")).hasMessageContaining("RouteCustomizer");
    assertThatThrownBy(() -> sluice("          - {kind: fixed, text: x, on: [sunspots]}")).hasMessageContaining("routes[0].fallback[0].on")
        .hasMessageContaining("circuit_open");
    assertThatThrownBy(() -> sluice("          - {kind: fixed, txt: x}")).hasMessageContaining("routes[0].fallback[0].txt");
    assertThatThrownBy(() -> sluice("          - {kind: cache, maximum_size: 0}")).hasMessageContaining("routes[0].fallback[0]")
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> sluice("          - {kind: backup_variant}")).hasMessageContaining("routes[0].fallback[0].variant");
    assertThatThrownBy(() -> sluice("          - {kind: backup_variant, variant: spare}")).hasMessageContaining("routes[0].fallback[0].variant")
        .hasMessageContaining("backup");
  }
}
