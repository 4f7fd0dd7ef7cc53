package dev.sluice.examples.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenFeature example: each flag change is served on the next call, for the tenants it targets. */
class FlagTogglesTest {

  @Test
  void flagChangesTakeEffectOnTheNextCall() {
    FlagToggles.Run run = FlagToggles.run();

    assertThat(run.served().get("percent flag 0")).containsOnly("acme:v7", "globex:v7");
    assertThat(run.served().get("pin flag: acme on v8")).containsExactly("acme:v8", "acme:v8", "globex:v7", "globex:v7");
    assertThat(run.served().get("kill flag: fallback")).containsOnly("acme:fallback", "globex:fallback");
    assertThat(run.served().get("kill flag off")).isEqualTo(List.of("acme:v8", "acme:v8", "globex:v7", "globex:v7"));
    assertThat(run.audit()).hasSize(16);
    assertThat(run.audit()).filteredOn(e -> e.variant().equals("v8")).allSatisfy(e -> {
      assertThat(e.labels()).containsEntry("prompt_version", "support-v8");
      assertThat(e.costUsd()).isNotNull();
      assertThat(e.usage().get("output")).isPositive();
    });
    assertThat(run.meters().get("sluice.calls").tag("outcome", "fallback").counter().count()).isEqualTo(4);
  }
}
