package dev.sluice.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.outcome.Outcome;
import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A regression that begins after many healthy candidate calls is caught by the calls since a
 * recent checkpoint, before the rollout's diluted evidence from its start shows it; with no change,
 * the restarts never roll back.
 */
class ChangeDetectorTest {

  final RolloutPlan plan = RolloutPlan.builder("r", "v2").stage(Stage.canary(10).minCalls(1_000_000)).stage(Stage.full())
      .margin(new MetricMargin("error_rate", 0.5)).build();
  final SplittableRandom rnd = new SplittableRandom(12);

  /** Runs calls at 10% candidate share, looking every 100 candidate calls; the first rollback, or null. */
  Verdict run(Judge judge, int candidateCalls, double candErrors) {
    int seen = 0;
    while (seen < candidateCalls) {
      boolean cand = rnd.nextDouble() < 0.1;
      boolean error = rnd.nextDouble() < (cand ? candErrors : 0.01);
      judge.observe("r", "canary", cand, error ? Outcome.ERROR : Outcome.SUCCESS, null, 0.8, 300, 0.0006, null, null,
          rnd.nextInt(Arm.GROUPS));
      if (cand && ++seen % 100 == 0) {
        Verdict v = judge.judge(new StageProgress("r", plan, 0, plan.stage(0), Instant.EPOCH, Instant.EPOCH.plusSeconds(60), seen));
        if (v.decision() == Verdict.Decision.ROLLBACK) {
          return v;
        }
      }
    }
    return null;
  }

  @Test
  void aRegressionThatBeginsLateIsCaughtByTheCallsSinceACheckpoint() {
    Judge judge = new Judge(JudgeConfig.DEFAULTS, new SimpleMeterRegistry());
    assertThat(run(judge, 16_000, 0.01)).as("16,000 healthy candidate calls").isNull();

    // Errors x5 from here on (+4 pp): 3,000 candidate calls later the estimate from the start, diluted
    // by the 16,000 before, is +0.6 pp and its lower bound still under the +0.5 pp margin.
    Verdict v = run(judge, 3_000, 0.05);

    assertThat(v).isNotNull();
    assertThat(v.reason()).startsWith("change since candidate call").contains("error_rate regression");
    assertThat((long) v.evidence().get("since_candidate_calls")).isBetween(8_000L, 16_000L);
  }

  @Test
  void withNoChangeTheRestartsNeverRollBack() {
    Judge judge = new Judge(JudgeConfig.DEFAULTS, new SimpleMeterRegistry());
    assertThat(run(judge, 60_000, 0.01)).isNull();
  }

  @Test
  void checkpointsAreEachTheSquareRootOfTwoFurther() {
    assertThat(List.of(ChangeDetector.threshold(0), ChangeDetector.threshold(1), ChangeDetector.threshold(2), ChangeDetector.threshold(31)))
        .containsExactly(1000L, 1414L, 2000L, Math.round(1000 * Math.pow(2, 15.5)));
  }

  @Test
  void theCallsSinceACopyAreWhatWasAddedAfterIt() {
    StageWindow w = new StageWindow("canary");
    SplittableRandom r = new SplittableRandom(3);
    StageWindow later = new StageWindow("canary");
    StageWindow earlier = null;
    for (int i = 0; i < 3000; i++) {
      if (i == 1000) {
        earlier = w.copy();
      }
      boolean cand = r.nextBoolean();
      int events = r.nextDouble() < 0.05 ? Arm.event("error_rate") : 0;
      double latency = Math.exp(r.nextDouble());
      long tokens = 100 + r.nextInt(400);
      double quality = r.nextDouble();
      int group = r.nextInt(Arm.GROUPS);
      w.add(cand, events, latency, tokens, tokens * 1e-6, quality, group);
      if (i >= 1000) {
        later.add(cand, events, latency, tokens, tokens * 1e-6, quality, group);
      }
    }
    StageWindow since = w.since(earlier);
    for (boolean cand : new boolean[] {true, false}) {
      Arm got = cand ? since.cand : since.base;
      Arm want = cand ? later.cand : later.base;
      assertThat(got.calls).isEqualTo(want.calls);
      assertThat(got.events(1)).isEqualTo(want.events(1));
      assertThat(got.rateVariance(1)).isCloseTo(want.rateVariance(1), within(1e-12));
      assertThat(got.tokens.n).isEqualTo(want.tokens.n);
      assertThat(got.tokens.mean).isCloseTo(want.tokens.mean, within(1e-9));
      assertThat(got.tokens.variance()).isCloseTo(want.tokens.variance(), within(1e-6));
      assertThat(got.logLatency.varianceOfMean(0)).isCloseTo(want.logLatency.varianceOfMean(0), within(1e-12));
      assertThat(got.latencyQuantile(0.95)).isEqualTo(want.latencyQuantile(0.95));
      assertThat(got.quality.mean).isCloseTo(want.quality.mean, within(1e-12));
    }
  }
}
