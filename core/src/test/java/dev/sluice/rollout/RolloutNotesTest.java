package dev.sluice.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.outcome.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RolloutNotesTest {

  static final String NOTE = """
      route: support-answer
      candidate: v8
      salt: support-v8
      change: new prompt v8 on gpt-4.1-mini
      owner: support-platform
      expected_gain: -30% cost per answer at equal quality
      cohort: {regions: [eu, us]}
      deny: [vip-1]
      stages:
        - {kind: offline_gate}
        - {kind: shadow, sample_rate: 0.2, min_calls: 200}
        - {kind: canary, percent: 1, min_calls: 500, min_duration: 2h, max_duration: 1d, at_max: escalate}
        - {kind: cohort, name: tenant-acme, cohort: {tenants: [acme]}}
        - {kind: percent, percent: 10, min_duration: PT6H}
        - {kind: full}
      metrics: {error_rate: 0.5, latency: 0.10, cost: 0.05, quality: 0.03}
      rollback_triggers: [error rate +0.5 pp, p95 latency +10%]
      dashboard_query: sum by (variant) (rate(sluice_calls_total{route="support-answer"}[5m]))
      cohort_holdback: 20
      segments: {by: tenant, values: [acme, globex]}
      """;

  @Test
  void aYamlNoteBecomesAPlan() {
    RolloutPlan p = RolloutNotes.readString(NOTE);
    assertThat(p.route()).isEqualTo("support-answer");
    assertThat(p.candidate()).isEqualTo("v8");
    assertThat(p.stages()).extracting(Stage::kind).containsExactly(StageKind.OFFLINE_GATE, StageKind.SHADOW,
        StageKind.CANARY, StageKind.COHORT, StageKind.PERCENT, StageKind.FULL);
    Stage canary = p.stage(2);
    assertThat(canary.percent()).isEqualTo(1);
    assertThat(canary.minCandidateCalls()).isEqualTo(500);
    assertThat(canary.minDuration()).isEqualTo(Duration.ofHours(2));
    assertThat(canary.maxDuration()).isEqualTo(Duration.ofDays(1));
    assertThat(canary.atMax()).isEqualTo(AtMaxDuration.ESCALATE);
    assertThat(p.stage(3).cohort().tenants()).containsExactly("acme");
    assertThat(p.stage(4).minDuration()).isEqualTo(Duration.ofHours(6));
    assertThat(p.eligibility().regions()).containsExactlyInAnyOrder("eu", "us");
    assertThat(p.margins()).contains(new MetricMargin("error_rate", 0.5), new MetricMargin("quality", 0.03));
    assertThat(p.rollbackTriggers()).hasSize(2);
    assertThat(p.deny()).containsExactly("vip-1");
  }

  @Test
  void aNoteRoundTripsThroughJsonAndYaml() {
    RolloutPlan p = RolloutNotes.readString(NOTE);
    RolloutPlan fromJson = RolloutNotes.readString(RolloutNotes.toJson(p));
    RolloutPlan fromYaml = RolloutNotes.readString(RolloutNotes.toYaml(p));
    for (RolloutPlan q : new RolloutPlan[] {fromJson, fromYaml}) {
      assertThat(q.stages()).isEqualTo(p.stages());
      assertThat(q.margins()).isEqualTo(p.margins());
      assertThat(q.salt()).isEqualTo(p.salt());
      assertThat(q.eligibility()).isEqualTo(p.eligibility());
      assertThat(q.change()).isEqualTo(p.change());
      assertThat(q.dashboardQuery()).isEqualTo(p.dashboardQuery());
      assertThat(RolloutNotes.toJson(q)).isEqualTo(RolloutNotes.toJson(p));
    }
  }

  @Test
  void aNoteSetsTheCohortHoldbackAndTheSegmentsJudgedOneByOne() {
    RolloutPlan p = RolloutNotes.readString(NOTE);
    assertThat(p.cohortHoldback()).isEqualTo(20);
    assertThat(p.segments()).isEqualTo(Segments.by("tenant", "acme", "globex"));
    RolloutPlan back = RolloutNotes.readString(RolloutNotes.toYaml(p));
    assertThat(back.cohortHoldback()).isEqualTo(20);
    assertThat(back.segments()).isEqualTo(p.segments());
    assertThat(RolloutNotes.readString("route: r\ncandidate: v2\nstages: [{kind: full}]\n").cohortHoldback())
        .isEqualTo(RolloutPlan.DEFAULT_COHORT_HOLDBACK);

    assertThatThrownBy(() -> RolloutNotes.readString("route: r\ncandidate: v2\ncohort_holdback: 80\nstages: [{kind: full}]\n"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("rollout.cohort_holdback").hasMessageContaining("0 to 50");
    assertThatThrownBy(() -> RolloutNotes.readString(
        "route: r\ncandidate: v2\nsegments: {by: tenant, values: [a, b, c, d, e, f, g, h, i]}\nstages: [{kind: full}]\n"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("segments.values").hasMessageContaining("1 to 8");
    assertThatThrownBy(() -> RolloutNotes.readString("route: r\ncandidate: v2\nsegments: {by: tenant, value: [a]}\nstages: [{kind: full}]\n"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("segments");
  }

  @Test
  void badNotesFailWithTheFieldAndTheReason() {
    assertThatThrownBy(() -> RolloutNotes.readString("route: r\ncandidate: v2\nstages:\n  - {kind: canary, percent: 200}\n"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("stage[canary].percent").hasMessageContaining("0 to 100");
    assertThatThrownBy(() -> RolloutNotes.readString("route: r\ncandidate: v2\nstages:\n  - {kind: rocket}\n"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("stages[0].kind").hasMessageContaining("offline_gate");
    assertThatThrownBy(() -> RolloutNotes.readString("route: r\ncandidate: v2\nstages:\n  - {kind: canary, percent: 5, min_duration: soon}\n"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("stages[0].min_duration").hasMessageContaining("2h");
    assertThatThrownBy(() -> RolloutNotes.readString("route: r\ncandidate: v2\nstages: []\n"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("stages");
    assertThatThrownBy(() -> RolloutNotes.readString("route: r\ncandidate: v2\nstagez: []\n"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("stagez").hasMessageContaining("known fields");
    assertThatThrownBy(() -> RolloutNotes.readString("route: r\ncandidate: v2\nstages: [{kind: full}]\nmetrics: {happiness: 1}\n"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("happiness").hasMessageContaining("error_rate");
    assertThatThrownBy(() -> RolloutNotes.readString("route: r\ncandidate: v2\nstages:\n  - {kind: percent, percent: 10}\n  - {kind: canary, percent: 1}\n"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("only adds subjects");
    assertThatThrownBy(() -> RolloutNotes.readString("route: r\ncandidate: v2\nstages:\n  - {kind: full}\n  - {kind: canary, percent: 1}\n"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("full only as the last stage");
    assertThatThrownBy(() -> RolloutNotes.readString("{not yaml: [}"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("neither valid YAML nor JSON");
  }
}
