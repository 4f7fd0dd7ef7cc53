package dev.sluice.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.ChatRequest;
import dev.sluice.outcome.Outcome;
import dev.sluice.pipeline.CallRecord;
import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Judges that pool their evidence (three instances of a fleet, each seeing a third of the calls)
 * reach the verdict one judge seeing every call reaches, with the same numbers: counts, moments and
 * latency histograms add up exactly; evidence an exchange failed to take is sent again, not lost.
 */
class SharedEvidenceTest {

  final RolloutPlan plan = RolloutPlan.builder("r", "v2").stage(Stage.canary(5).minCalls(100)).stage(Stage.full())
      .margin(new MetricMargin("error_rate", 0.5)).margin(new MetricMargin("latency", 0.10)).margin(new MetricMargin("cost", 0.10))
      .margin(new MetricMargin("quality", 0.05)).build();
  final ChatRequest request = ChatRequest.ofUser("q");

  /** Calls over ten simulated minutes; the candidate {@code candErrors} and {@code candSlower} times the baseline's latency. */
  List<CallRecord> traffic(long seed, int n, double candErrors, double candSlower) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Instant start = Instant.parse("2026-11-30T12:00:00Z");
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> {
      boolean cand = rnd.nextDouble() < 0.05;
      boolean error = rnd.nextDouble() < (cand ? candErrors : 0.01);
      double latency = (cand ? candSlower : 1) * Math.exp(Math.log(0.8) + 0.5 * gaussian(rnd));
      long tokens = 200 + rnd.nextInt(200);
      return new CallRecord(start.plusMillis(i * 600_000L / n), "r", cand ? "v2" : "v1", cand, "canary",
          error ? Outcome.ERROR : Outcome.SUCCESS, null, (long) (latency * 1e9), tokens, tokens * 2e-6, null, request, null,
          (long) (latency * 0.3e9), Judge.subjectGroup("user-" + rnd.nextInt(5000)));
    }).toList();
  }

  static double gaussian(SplittableRandom rnd) {
    return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  StageProgress progress(long candidateCalls) {
    return new StageProgress("r", plan, 0, plan.stage(0), Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), candidateCalls);
  }

  Judge judge() {
    // Quality scored on every call from the answer-less record: a constant, so both sides see the same.
    return new Judge(JudgeConfig.DEFAULTS.withScorer((req, resp) -> 0.9, 1.0), new SimpleMeterRegistry());
  }

  @Test
  void threeInstancesPoolingEvidenceReachWhatOneJudgeSeeingEveryCallReaches() {
    java.util.Set<Verdict.Decision> seen = java.util.EnumSet.noneOf(Verdict.Decision.class);
    for (double[] scenario : new double[][] {{0.01, 1.0}, {0.04, 1.0}, {0.01, 1.3}}) {
      List<CallRecord> calls = traffic(11, 60_000, scenario[0], scenario[1]);
      Judge alone = judge();
      EvidenceExchange exchange = EvidenceExchange.inMemory();
      List<Judge> fleet = List.of(judge().shareEvidence(exchange), judge().shareEvidence(exchange), judge().shareEvidence(exchange));
      for (int i = 0; i < calls.size(); i++) {
        alone.onCall(calls.get(i));
        fleet.get(i % 3).onCall(calls.get(i));
      }
      // Each instance has sent what it saw up to its last second; the one that judges sends the rest
      // of its own first. The others' last second reaches the exchange with their next call.
      fleet.get(1).candidateCalls(plan, "canary", 0);
      fleet.get(2).candidateCalls(plan, "canary", 0);
      Verdict expected = alone.judge(progress(3000));
      Verdict pooled = fleet.get(0).judge(progress(fleet.get(0).candidateCalls(plan, "canary", 0)));
      assertThat(pooled.decision()).as(expected.reason()).isEqualTo(expected.decision());
      assertThat(pooled.reason()).isEqualTo(expected.reason());
      assertEvidenceClose(pooled.evidence(), expected.evidence());
      seen.add(pooled.decision());
    }
    assertThat(seen).as("the scenarios reach more than one verdict").contains(Verdict.Decision.ROLLBACK).hasSizeGreaterThan(1);
  }

  @Test
  void aCohortsStrataAndTheSegmentsAddUpAcrossTheFleetLikeOneJudge() {
    RolloutPlan cohort = RolloutPlan.builder("r", "v2")
        .stage(Stage.cohort("acme", dev.sluice.rollout.CohortRule.builder().tenants("acme").build()).minCalls(100))
        .stage(Stage.full()).segments(dev.sluice.rollout.Segments.by("tenant", "acme", "t1"))
        .margin(new MetricMargin("error_rate", 0.5)).build();
    SplittableRandom rnd = new SplittableRandom(8);
    List<CallRecord> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      String tenant = List.of("acme", "t1", "t2").get(rnd.nextInt(3));
      // acme's subjects: a tenth held back; the candidate fails 6% there, everyone 1% otherwise
      String reason = tenant.equals("acme") ? (rnd.nextDouble() < 0.1 ? "holdback" : "cohort") : "baseline";
      boolean cand = reason.equals("cohort");
      boolean error = rnd.nextDouble() < (cand ? 0.06 : 0.01);
      calls.add(new CallRecord(Instant.EPOCH.plusMillis(i * 10L), "r", cand ? "v2" : "v1", cand, "acme",
          error ? Outcome.ERROR : Outcome.SUCCESS, null, 800_000_000L, 300, 0.0006, null, request, null, -1,
          Judge.subjectGroup("user-" + rnd.nextInt(5000)), "c" + i, reason, tenant.equals("t2") ? "" : tenant));
    }
    Judge alone = judge();
    EvidenceExchange exchange = EvidenceExchange.inMemory();
    Judge a = judge().shareEvidence(exchange);
    Judge b = judge().shareEvidence(exchange);
    for (int i = 0; i < calls.size(); i++) {
      alone.onCall(calls.get(i));
      (i % 2 == 0 ? a : b).onCall(calls.get(i));
    }
    b.candidateCalls(cohort, "acme", 0); // b sends its last second
    long candidates = calls.stream().filter(CallRecord::candidate).count();
    assertThat(a.candidateCalls(cohort, "acme", 0)).as("every window of the stage counted").isEqualTo(candidates);
    StageProgress p = new StageProgress("r", cohort, 0, cohort.stage(0), Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), candidates);
    Verdict expected = alone.judge(p);
    Verdict pooled = a.judge(p);
    assertThat(expected.decision()).as(expected.reason()).isEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(pooled.reason()).isEqualTo(expected.reason());
  }

  @Test
  void aNewRolloutOfTheRouteStartsFromNothingWhileARestartedInstanceResumesItsOwn() {
    EvidenceExchange exchange = EvidenceExchange.inMemory();
    // v2's rollout fails 4% of its calls, and is rolled back.
    Judge before = judge().shareEvidence(exchange).judgeRollout(plan);
    List<CallRecord> failing = traffic(3, 60_000, 0.04, 1.0);
    failing.forEach(before::onCall);
    long v2Calls = failing.stream().filter(CallRecord::candidate).count();
    assertThat(before.judge(progress(before.candidateCalls(plan, "canary", 0))).decision()).isEqualTo(Verdict.Decision.ROLLBACK);

    // A redeploy with v3, the same route and stage names: its evidence is its own.
    RolloutPlan v3 = RolloutPlan.builder("r", "v3").stage(Stage.canary(5).minCalls(100)).stage(Stage.full())
        .margin(new MetricMargin("error_rate", 0.5)).build();
    Judge after = judge().shareEvidence(exchange).judgeRollout(v3);
    assertThat(after.candidateCalls(v3, "canary", 0)).as("none of v2's").isZero();
    List<CallRecord> healthy = traffic(4, 20_000, 0.01, 1.0);
    healthy.forEach(after::onCall);
    Verdict v = after.judge(new StageProgress("r", v3, 0, v3.stage(0), Instant.EPOCH, Instant.EPOCH.plusSeconds(3600),
        after.candidateCalls(v3, "canary", 0)));
    assertThat(v.decision()).as(v.reason()).isNotEqualTo(Verdict.Decision.ROLLBACK);

    // A restarted instance of v2's rollout finds the fleet's evidence of it again.
    assertThat(judge().shareEvidence(exchange).judgeRollout(plan).candidateCalls(plan, "canary", 0)).isEqualTo(v2Calls);
  }

  @Test
  void theFleetsCandidateCallsCountTowardsAStagesExposure() {
    List<CallRecord> calls = traffic(5, 30_000, 0.01, 1.0);
    EvidenceExchange exchange = EvidenceExchange.inMemory();
    Judge a = judge().shareEvidence(exchange);
    Judge b = judge().shareEvidence(exchange);
    long candidates = calls.stream().filter(CallRecord::candidate).count();
    for (int i = 0; i < calls.size(); i++) {
      (i % 2 == 0 ? a : b).onCall(calls.get(i));
    }
    b.candidateCalls(plan, "canary", 0); // b sends its last second
    assertThat(a.candidateCalls(plan, "canary", 7)).isEqualTo(candidates);
  }

  @Test
  void evidenceTheExchangeFailedToTakeIsSentAgain() {
    AtomicBoolean down = new AtomicBoolean(true);
    EvidenceExchange memory = EvidenceExchange.inMemory();
    EvidenceExchange flaky = new EvidenceExchange() {
      @Override
      public CompletionStage<Void> add(String route, String stage, Map<String, Double> amounts) {
        return down.get() ? CompletableFuture.failedFuture(new IllegalStateException("unreachable")) : memory.add(route, stage, amounts);
      }

      @Override
      public Map<String, Double> totals(String route, String stage) {
        return memory.totals(route, stage);
      }
    };
    Judge j = judge().shareEvidence(flaky);
    List<CallRecord> calls = traffic(9, 6_000, 0.01, 1.0);
    calls.forEach(j::onCall);
    assertThat(j.candidateCalls(plan, "canary", 0)).as("nothing reached the exchange").isZero();
    down.set(false);
    assertThat(j.candidateCalls(plan, "canary", 0)).as("all of it, once").isEqualTo(calls.stream().filter(CallRecord::candidate).count());
  }

  static void assertEvidenceClose(Map<String, Object> actual, Map<String, Object> expected) {
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach((k, v) -> {
      Object a = actual.get(k);
      if (v instanceof Double d) {
        assertThat((Double) a).as(k).isCloseTo(d, org.assertj.core.data.Percentage.withPercentage(1e-6));
      } else if (v instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) m;
        @SuppressWarnings("unchecked")
        Map<String, Object> other = (Map<String, Object>) a;
        assertEvidenceClose(other, inner);
      } else {
        assertThat(a).as(k).isEqualTo(v);
      }
    });
  }
}
