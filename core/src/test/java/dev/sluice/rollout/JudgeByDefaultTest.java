package dev.sluice.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.model.ClientResolver;
import dev.sluice.config.SluiceConfiguration;
import dev.sluice.judge.Judge;
import dev.sluice.model.ChatRequest;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A plan that names metric margins gets the judge without being asked (issue 17, safe by default):
 * the probe was a configuration file whose candidate failed every call and was promoted to full on
 * "minimum exposure met"; now the judge rolls it back. A gate given explicitly is kept.
 */
class JudgeByDefaultTest {

  static final String YAML = """
      routes:
        - name: support
          variants:
            - {id: v1, model: gpt-4o-mini, client: {provider: simulated, latency_median: 200ms}}
            - {id: v2, model: gpt-4o-mini, client: {provider: simulated, latency_median: 200ms, failures: {server_error: 1.0}}}
          rollout:
            candidate: v2
            stages: [{kind: percent, percent: 50}, {kind: full}]
            metrics: {error_rate: 0.5}
      evaluate_every: 0s
      """;

  final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-11-30T12:00:00Z"));

  Sluice.Builder fromFile() {
    return SluiceConfiguration.fromTree(parse(), ClientResolver.none(), List.of(), time, name -> null)
        .meterRegistry(new SimpleMeterRegistry()).auditSink(e -> { });
  }

  com.fasterxml.jackson.databind.JsonNode parse() {
    try {
      return SluiceConfiguration.parse(new java.io.ByteArrayInputStream(YAML.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  void traffic(Sluice sluice, int calls) {
    for (int i = 0; i < calls; i++) {
      sluice.callAsync("support", ChatRequest.ofUser("Where is my order?"), Subject.of("u" + i)).exceptionally(e -> null);
      time.advance(Duration.ofMillis(100));
    }
    time.advance(Duration.ofSeconds(30));
  }

  @Test
  void aFileWhosePlanNamesMarginsIsJudgedAndAFailingCandidateIsRolledBackNotPromoted() {
    try (Sluice sluice = fromFile().build()) {
      traffic(sluice, 600);
      Verdict v = sluice.rollout("support").evaluate();
      assertThat(sluice.rollout("support").state().rolledBack()).as(String.valueOf(v)).isTrue();
      assertThat(sluice.rollout("support").state().reason()).startsWith("error_rate regression");
    }
  }

  @Test
  void aGateGivenExplicitlyIsKept() {
    try (Sluice sluice = fromFile().stageGate(StageGate.EXPOSURE).build()) {
      traffic(sluice, 50);
      Verdict v = sluice.rollout("support").evaluate();
      assertThat(v).isNotNull();
      assertThat(v.reason()).as("the exposure gate, by choice: 25 candidate calls, not the 1,000 a percent stage needs by default")
          .startsWith("waiting for minimum exposure");
      assertThat(sluice.rollout("support").state().rolledBack()).isFalse();
    }
    Judge mine = new Judge(dev.sluice.judge.JudgeConfig.DEFAULTS, new SimpleMeterRegistry());
    try (Sluice sluice = fromFile().judge(mine).build()) {
      traffic(sluice, 10);
      assertThat(sluice.rollout("support").evaluate().reason()).doesNotStartWith("minimum exposure met");
    }
  }
}
