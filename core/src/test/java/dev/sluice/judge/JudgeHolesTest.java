package dev.sluice.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.outcome.Outcome;
import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Holes found by probing the judge's public API (issue 17), each closed: a regression rolls back
 * whatever the traffic share; a call that finishes late under the previous stage does not wipe the
 * current stage's evidence; a metric with too little data holds promotion instead of being skipped;
 * calls the candidate's own breaker refused count as its errors.
 */
class JudgeHolesTest {

  final RolloutPlan plan = RolloutPlan.builder("r", "v2").stage(Stage.canary(5).minCalls(100)).stage(Stage.full())
      .margin(new MetricMargin("error_rate", 0.5)).build();
  final SplittableRandom rnd = new SplittableRandom(17);

  /** Calls at {@code stage}: the candidate's share, error rates and how its errors end; cost per call (NaN: unknown). */
  void traffic(Judge judge, String stage, int calls, double share, double baseErrors, double candErrors, Outcome candFailure,
      double cost) {
    for (int i = 0; i < calls; i++) {
      boolean cand = rnd.nextDouble() < share;
      boolean error = rnd.nextDouble() < (cand ? candErrors : baseErrors);
      double latency = Math.exp(Math.log(0.8) + 0.5 * gaussian());
      Outcome outcome = !error ? Outcome.SUCCESS : cand ? candFailure : Outcome.ERROR;
      judge.observe("r", stage, cand, outcome, null, latency, 300, cost, null, null);
    }
  }

  double gaussian() {
    return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  StageProgress atCanary() {
    return new StageProgress("r", plan, 0, plan.stage(0), Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), 20_000);
  }

  Judge judge() {
    return new Judge(JudgeConfig.DEFAULTS, new SimpleMeterRegistry());
  }

  @Test
  void aFiveFoldRegressionRollsBackEvenWhenTheCandidateGetsTheWrongShare() {
    Judge judge = judge();
    traffic(judge, "canary", 20_000, 0.25, 0.01, 0.05, Outcome.ERROR, 0.0006); // the stage says 5%
    Verdict v = judge.decide(atCanary());
    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(v.reason()).startsWith("error_rate regression");
  }

  @Test
  void theWrongShareStillHoldsAHealthyCandidatesPromotion() {
    Judge judge = judge();
    traffic(judge, "canary", 400_000, 0.10, 0.01, 0.01, Outcome.ERROR, 0.0006);
    Verdict v = judge.decide(atCanary());
    assertThat(v.decision()).isEqualTo(Verdict.Decision.HOLD);
    assertThat(v.reason()).startsWith("sample ratio mismatch");
  }

  @Test
  void anOperatorsPercentOverrideIsTheShareExpectedNotAMismatch() {
    Judge judge = judge();
    traffic(judge, "canary", 400_000, 0.10, 0.01, 0.01, Outcome.ERROR, 0.0006); // the stage says 5%, the operator 10%
    StageProgress overridden = new StageProgress("r", plan, 0, plan.stage(0), Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), 20_000, 10.0);
    Verdict v = judge.decide(overridden);
    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.PROMOTE);
  }

  @Test
  void aCallFinishingLateUnderThePreviousStageDoesNotWipeTheCurrentStagesEvidence() {
    Judge judge = judge();
    traffic(judge, "shadow", 1_000, 0.0, 0.01, 0.01, Outcome.ERROR, 0.0006);
    traffic(judge, "canary", 100_000, 0.05, 0.01, 0.03, Outcome.ERROR, 0.0006);
    judge.observe("r", "shadow", false, Outcome.SUCCESS, null, 0.8, 300, 0.0006, null, null); // a straggler
    Verdict v = judge.decide(atCanary());
    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.ROLLBACK);
  }

  @Test
  void unknownCostOnEveryCallHoldsPromotion() {
    Judge judge = judge();
    traffic(judge, "canary", 400_000, 0.05, 0.01, 0.01, Outcome.ERROR, Double.NaN);
    Verdict v = judge.decide(atCanary());
    assertThat(v.decision()).isEqualTo(Verdict.Decision.HOLD);
    assertThat(v.reason()).startsWith("cost not yet shown within margin").contains("too few observations");
  }

  @Test
  void aSingleQualityScoreHoldsPromotion() {
    Judge judge = new Judge(JudgeConfig.DEFAULTS.withScorer((req, resp) -> 1.0, 0.001), new SimpleMeterRegistry());
    traffic(judge, "canary", 400_000, 0.05, 0.01, 0.01, Outcome.ERROR, 0.0006);
    judge.observe("r", "canary", true, Outcome.SUCCESS, null, 0.8, 300, 0.0006, null, 0.0);
    Verdict v = judge.decide(atCanary());
    assertThat(v.decision()).isEqualTo(Verdict.Decision.HOLD);
    assertThat(v.reason()).startsWith("quality not yet shown within margin");
  }

  @Test
  void callsTheCandidatesBreakerRefusedCountAsItsErrors() {
    Judge judge = judge();
    traffic(judge, "canary", 100_000, 0.05, 0.01, 0.05, Outcome.CIRCUIT_OPEN, 0.0006);
    Verdict v = judge.decide(atCanary());
    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(v.reason()).startsWith("error_rate regression");
  }
}
