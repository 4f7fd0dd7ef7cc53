package dev.sluice.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.ShadowComparison;
import dev.sluice.rollout.ShadowStats;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The shadow stage gates on evidence: a candidate whose answers have similarity 0 against a noise
 * floor near 1 no longer advances (it used to, on exposure alone); one that differs like the
 * baseline's own answers does, if its shadow calls are not slower or dearer than their margins (shown
 * beyond them, it rolls back).
 */
class ShadowGateTest {

  final Judge judge = new Judge(JudgeConfig.DEFAULTS, new SimpleMeterRegistry());
  final RolloutPlan plan = RolloutPlan.builder("r", "v2").stage(Stage.shadow(0.2).minCalls(100)).stage(Stage.canary(1))
      .stage(Stage.full()).margin(new MetricMargin("error_rate", 0.5)).build();
  final SplittableRandom rnd = new SplittableRandom(5);

  ShadowStats shadow(int runs, double candidateSimilarity) {
    return shadow(runs, candidateSimilarity, 1, 1);
  }

  /** Runs whose candidate calls take {@code slower} times the noise runs' time and cost {@code dearer} times the served answer (NaN: unknown). */
  ShadowStats shadow(int runs, double candidateSimilarity, double slower, double dearer) {
    ShadowStats s = new ShadowStats();
    for (int i = 0; i < runs; i++) {
      s.record(true, new ShadowComparison(false, true, 0.9 + 0.1 * rnd.nextDouble()));
      s.recordCost(true, latency(), 0.0004, 0.0004);
      double c = candidateSimilarity >= 0 ? candidateSimilarity : 0.9 + 0.1 * rnd.nextDouble();
      s.record(false, new ShadowComparison(false, true, c));
      double served = 0.0002 + 0.0004 * rnd.nextDouble();
      s.recordCost(false, slower * latency(), dearer * served * (0.95 + 0.1 * rnd.nextDouble()), served);
    }
    return s;
  }

  double latency() {
    return 0.8 * Math.exp(0.3 * (Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble())));
  }

  Verdict decide(ShadowStats s, long runs) {
    Instant t = Instant.parse("2026-11-30T12:00:00Z");
    return judge.decide(new StageProgress("r", plan, 0, plan.stage(0), t, t.plusSeconds(3600), runs, 0, s));
  }

  @Test
  void answersUnlikeTheBaselinesHoldTheShadowStage() {
    Verdict v = decide(shadow(400, 0.0), 400);
    assertThat(v.decision()).isEqualTo(Verdict.Decision.HOLD);
    assertThat(v.reason()).startsWith("shadow_difference_rate not yet shown within margin")
        .contains("candidate answers differ 100.0%");
  }

  @Test
  void answersThatDifferLikeTheBaselinesOwnPromote() {
    Verdict v = decide(shadow(400, -1), 400);
    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.PROMOTE);
    assertThat(v.evidence()).containsEntry("metric", "shadow_difference_rate");
  }

  @Test
  void aSlowerOrDearerCandidateRollsBackAtTheShadowStageEvenWhenItsAnswersAreAlike() {
    Verdict slower = decide(shadow(400, -1, 1.5, 1), 400);
    assertThat(slower.decision()).as(slower.reason()).isEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(slower.reason()).startsWith("shadow latency regression").contains("vs margin 10.0%");
    Verdict dearer = decide(shadow(400, -1, 1, 1.4), 400);
    assertThat(dearer.decision()).as(dearer.reason()).isEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(dearer.reason()).startsWith("shadow cost regression").contains("worsening +40.");
    Verdict atMargin = decide(shadow(400, -1, 1.1, 1), 400);
    assertThat(atMargin.decision()).as("slower by the margin itself: neither shown within nor beyond it")
        .isEqualTo(Verdict.Decision.HOLD);
    assertThat(atMargin.reason()).startsWith("shadow latency not yet shown within margin");
    Verdict unknown = decide(shadow(2000, -1, 1, Double.NaN), 2000);
    assertThat(unknown.reason()).startsWith("waiting for 30 shadow runs with a known cost: 0 (2,000 of unknown cost");
  }

  @Test
  void tooFewRunsOrTooLittleExposureHold() {
    assertThat(decide(shadow(400, -1), 50).reason()).startsWith("waiting for minimum exposure");
    assertThat(decide(shadow(25, -1), 200).reason()).startsWith("waiting for 30 shadow runs");
  }
}
