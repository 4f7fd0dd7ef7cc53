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

class JudgeTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Judge judge = new Judge(JudgeConfig.DEFAULTS, registry);
  final RolloutPlan plan = RolloutPlan.builder("r", "v2").stage(Stage.canary(5).minCalls(100)).stage(Stage.full())
      .margin(new MetricMargin("error_rate", 0.5)).build();
  final SplittableRandom rnd = new SplittableRandom(3);

  void traffic(int calls, double share, double baseErrors, double candErrors) {
    for (int i = 0; i < calls; i++) {
      boolean cand = rnd.nextDouble() < share;
      boolean error = rnd.nextDouble() < (cand ? candErrors : baseErrors);
      double latency = Math.exp(Math.log(0.8) + 0.5 * gaussian());
      judge.observe("r", "canary", cand, error ? Outcome.ERROR : Outcome.SUCCESS, null, latency, 300, 0.0006, null, null);
    }
  }

  double gaussian() {
    return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  StageProgress progress(long candidateCalls) {
    return new StageProgress("r", plan, 0, plan.stage(0), Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), candidateCalls);
  }

  @Test
  void aDoubledErrorRateRollsBackNamingTheMetricAndEvidence() {
    traffic(100_000, 0.05, 0.01, 0.03);
    Verdict v = judge.decide(progress(5000));
    assertThat(v.decision()).isEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(v.reason()).startsWith("error_rate regression");
    assertThat(v.evidence()).containsKeys("estimate", "lower_bound", "upper_bound", "margin");
    // shown beyond the margin: the lower bound of the worsening is above +0.5 pp
    assertThat((double) v.evidence().get("lower_bound")).isGreaterThan(0.5);
    assertThat((double) v.evidence().get("estimate")).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.3));
    assertThat(registry.get("sluice.rollout.decisions").tag("decision", "rollback").counter().count()).isEqualTo(1);
  }

  @Test
  void aSlowerFirstChunkOfStreamedCallsRollsBackWhenThePlanHasItsMargin() {
    RolloutPlan streamed = RolloutPlan.builder("r", "v2").stage(Stage.canary(5).minCalls(100)).stage(Stage.full())
        .margin(new MetricMargin("time_to_first_chunk", 0.10)).build();
    dev.sluice.model.ChatRequest request = dev.sluice.model.ChatRequest.ofUser("q");
    for (int i = 0; i < 40_000; i++) {
      boolean cand = rnd.nextDouble() < 0.05;
      double ttft = Math.exp(Math.log(cand ? 0.6 : 0.3) + 0.4 * gaussian());
      judge.onCall(new dev.sluice.pipeline.CallRecord(Instant.EPOCH, "r", cand ? "v2" : "v1", cand, "canary", Outcome.SUCCESS, null,
          2_000_000_000L, 300, 0.0006, null, request, null, (long) (ttft * 1e9)));
    }
    Verdict v = judge.decide(new StageProgress("r", streamed, 0, streamed.stage(0), Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), 2000));

    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(v.reason()).startsWith("time_to_first_chunk regression");
  }

  @Test
  void aCleanCandidateIsPromotedOnceEveryBoundIsWithinItsMargin() {
    traffic(400_000, 0.05, 0.01, 0.01);
    Verdict v = judge.decide(progress(20_000));
    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.PROMOTE);
    assertThat(v.evidence()).containsKeys("error_rate", "latency");
  }

  @Test
  void qualityScoresOnTheBaselineAloneHoldPromotionUntilTheCandidateHasItsOwn() {
    traffic(400_000, 0.05, 0.01, 0.01);
    for (int i = 0; i < 500; i++) { // feedback came back for baseline calls only
      judge.observe("r", "canary", false, Outcome.SUCCESS, null, 0.8, 300, 0.0006, null, 0.9);
    }
    Verdict v = judge.decide(progress(20_000));
    assertThat(v.decision()).isEqualTo(Verdict.Decision.HOLD);
    assertThat(v.reason()).startsWith("quality not yet shown within margin");
  }

  @Test
  void absenceOfEvidenceIsNotPromotion() {
    traffic(8_000, 0.05, 0.01, 0.01);
    Verdict v = judge.decide(progress(400));
    assertThat(v.decision()).isEqualTo(Verdict.Decision.HOLD);
    assertThat(v.reason()).contains("not yet shown within margin");
  }

  @Test
  void aSampleRatioMismatchHolds() {
    traffic(20_000, 0.10, 0.01, 0.01); // the stage says 5%
    Verdict v = judge.decide(progress(2000));
    assertThat(v.decision()).isEqualTo(Verdict.Decision.HOLD);
    assertThat(v.reason()).startsWith("sample ratio mismatch");
  }

  @Test
  void theEvidenceOfEarlierStagesIsCarriedToTheNext() {
    RolloutPlan three = RolloutPlan.builder("r", "v2").stage(Stage.canary(5).minCalls(100)).stage(Stage.percent(50).minCalls(100))
        .stage(Stage.full()).margin(new MetricMargin("error_rate", 0.5)).build();
    traffic(400_000, 0.05, 0.01, 0.01); // a clean canary: about 20,000 candidate calls
    // 200 calls at the next stage alone could show nothing; with the canary's they show every metric within margin
    for (int i = 0; i < 200; i++) {
      judge.observe("r", "percent-50", i % 2 == 0, Outcome.SUCCESS, null, Math.exp(Math.log(0.8) + 0.5 * gaussian()), 300, 0.0006,
          null, null);
    }
    Verdict v = judge.decide(new StageProgress("r", three, 1, three.stage(1), Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), 100));
    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.PROMOTE);
    assertThat(v.reason()).contains("(2 stage(s))");
  }

  @Test
  void aChangeWithinItsMarginIsNotRolledBackHoweverLongItRuns() {
    // +0.25 pp on a +0.5 pp margin, 2,000,000 calls looked at every 20,000: never rolled back
    for (int look = 0; look < 100; look++) {
      traffic(20_000, 0.05, 0.01, 0.0125);
      assertThat(judge.judge(progress(1000 * (look + 1))).decision()).isNotEqualTo(Verdict.Decision.ROLLBACK);
    }
    assertThat(judge.judge(progress(100_000)).decision()).isEqualTo(Verdict.Decision.PROMOTE);
  }
}
