package dev.sluice.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.sluice.judge.Judge;
import dev.sluice.judge.JudgeConfig;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.outcome.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Rollback triggers are rules: parsed strictly, checked by the judge at every look, sustained when the rule says so. */
class GuardRuleTest {

  @Test
  void everyDocumentedFormParses() {
    assertThat(GuardRule.parse("error_rate > 2%", "t")).isEqualTo(
        new GuardRule("error_rate > 2%", "error_rate", GuardRule.Kind.ABSOLUTE, 0.02, Duration.ZERO));
    GuardRule sustained = GuardRule.parse("Error rate > 2% for 5m", "t");
    assertThat(sustained.metric()).isEqualTo("error_rate");
    assertThat(sustained.sustained()).isEqualTo(Duration.ofMinutes(5));
    assertThat(GuardRule.parse("fallback_rate > baseline + 2 pp", "t").kind()).isEqualTo(GuardRule.Kind.ABOVE_BASELINE);
    assertThat(GuardRule.parse("fallback rate +2 pp", "t").threshold()).isCloseTo(0.02, offset(1e-12));
    assertThat(GuardRule.parse("error rate +50%", "t")).extracting(GuardRule::kind, GuardRule::threshold)
        .containsExactly(GuardRule.Kind.TIMES_BASELINE, 1.5);
    assertThat(GuardRule.parse("cost_per_call > 1.3x baseline", "t").threshold()).isEqualTo(1.3);
    assertThat(GuardRule.parse("p95 latency +20%", "t")).extracting(GuardRule::metric, GuardRule::threshold)
        .containsExactly("p95_latency", 1.2);
    assertThat(GuardRule.parse("p95_latency > 800 ms", "t").threshold()).isCloseTo(0.8, offset(1e-12));
    assertThat(GuardRule.parse("cost_per_call > $0.002", "t").threshold()).isEqualTo(0.002);
    assertThat(GuardRule.parse("tokens_per_call > 900 for 30s", "t").sustained()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aRuleThatCannotBeReadFailsThePlanNamingTheTrigger() {
    assertThatThrownBy(() -> RolloutPlan.builder("r", "v2").stage(Stage.full()).rollbackTrigger("error_rate > 2%")
        .rollbackTrigger("when it feels slow")).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("rollback_triggers[1]").hasMessageContaining("'error_rate > 2%'");
    assertThatThrownBy(() -> GuardRule.parse("happiness_rate > 5%", "t")).hasMessageContaining("a rule on one of");
    assertThat(GuardRule.parse("refusal_rate > 5%", "t").metric()).as("the issue's example").isEqualTo("refusal_rate");
    assertThatThrownBy(() -> GuardRule.parse("p95_latency +2 pp", "t")).hasMessageContaining("only for rates");
    assertThatThrownBy(() -> GuardRule.parse("x".repeat(500), "t")).hasMessageContaining("at most 200 characters");
  }

  final RolloutPlan plan = RolloutPlan.builder("r", "v2").stage(Stage.canary(5).minCalls(100)).stage(Stage.full())
      .margin(new MetricMargin("error_rate", 50)) // a margin so wide the statistics never act: the rule does
      .rollbackTrigger("error_rate > 3% for 5m").build();
  final Judge judge = new Judge(JudgeConfig.DEFAULTS, new SimpleMeterRegistry());
  final Instant start = Instant.parse("2026-11-30T12:00:00Z");

  Verdict lookAt(Duration after) {
    return judge.judge(new StageProgress("r", plan, 0, plan.stage(0), start, start.plus(after), 1000));
  }

  void calls(int n, boolean candidate, double errorShare) {
    for (int i = 0; i < n; i++) {
      judge.observe("r", "canary", candidate, i < n * errorShare ? Outcome.ERROR : Outcome.SUCCESS, null, 0.8, 300, 0.0006, null, null);
    }
  }

  @Test
  void aRuleBrokenForItsDurationRollsBackAndOneThatRecoversDoesNot() {
    calls(2000, false, 0.01);
    calls(99, true, 0.10);
    assertThat(lookAt(Duration.ZERO).decision()).as("99 candidate calls: too few to check").isNotEqualTo(Verdict.Decision.ROLLBACK);
    calls(101, true, 0.10); // 200 calls, 10% errors: broken from now on
    assertThat(lookAt(Duration.ofMinutes(1)).decision()).isNotEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(lookAt(Duration.ofMinutes(4)).decision()).isNotEqualTo(Verdict.Decision.ROLLBACK);
    calls(2000, true, 0); // recovers: about 1% now, the duration starts again
    assertThat(lookAt(Duration.ofMinutes(7)).decision()).isNotEqualTo(Verdict.Decision.ROLLBACK);
    calls(3000, true, 0.2); // broken again: 621 errors in 5,200 calls
    assertThat(lookAt(Duration.ofMinutes(8)).decision()).isNotEqualTo(Verdict.Decision.ROLLBACK);
    Verdict v = lookAt(Duration.ofMinutes(13));
    assertThat(v.decision()).isEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(v.reason()).startsWith("rollback trigger 'error_rate > 3% for 5m': candidate 11.94%")
        .contains("vs baseline 1.00%");
    assertThat(v.evidence()).containsEntry("since", start.plus(Duration.ofMinutes(8)).toString());
  }
}
