package dev.sluice.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RolloutControl;
import dev.sluice.Route;
import dev.sluice.model.ChatRequest;
import dev.sluice.outcome.Outcome;
import dev.sluice.pipeline.CallRecord;
import dev.sluice.release.Variant;
import dev.sluice.rollout.Assignment;
import dev.sluice.rollout.CohortRule;
import dev.sluice.rollout.InMemoryToggleSource;
import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.RolloutStateStore;
import dev.sluice.rollout.Segments;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageGate;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.Verdict;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleBiFunction;
import org.junit.jupiter.api.Test;

/**
 * The judge compares like with like: a cohort stage's cohort with its own holdback, never with the
 * subjects outside it; each declared segment on its own as well as the whole; and only calls whose
 * assignment was random.
 */
class CohortAndSegmentTest {

  static final List<String> TENANTS = List.of("t0", "t1", "t2", "t3", "t4");
  final Judge judge = new Judge(JudgeConfig.DEFAULTS, new SimpleMeterRegistry());
  final SplittableRandom rnd = new SplittableRandom(21);

  /** The first stage of {@code plan}, its assignment done by the real {@link RolloutControl}. */
  static RolloutControl control(RolloutPlan plan) {
    SimulatedModelClient client = SimulatedModelClient.builder().build();
    Variant base = Variant.builder("v1").client(client).model("m").build();
    Variant cand = Variant.builder("v2").client(client).model("m").build();
    Route route = Route.builder("r").baseline(base).variant(cand).rollout(plan).build();
    return new RolloutControl(route, plan, RolloutStateStore.inMemory(), new InMemoryToggleSource(), new ManualTimeSource(),
        StageGate.MANUAL, List.of());
  }

  /** {@code n} calls of subjects spread over five tenants; a call fails with the rate {@code errors} gives its tenant and arm. */
  void traffic(RolloutControl control, int n, ToDoubleBiFunction<String, Boolean> errors) {
    for (int i = 0; i < n; i++) {
      String tenant = TENANTS.get(rnd.nextInt(TENANTS.size()));
      String key = "user-" + rnd.nextInt(1_000_000);
      Assignment a = control.assign(Subject.builder().routingKey(key).tenant(tenant).build());
      boolean error = rnd.nextDouble() < errors.applyAsDouble(tenant, a.candidate());
      judge.observe("r", a, error ? Outcome.ERROR : Outcome.SUCCESS, 0.8, 300, 0.0006, null, Judge.subjectGroup(key));
    }
  }

  static StageProgress progress(RolloutPlan plan) {
    return new StageProgress("r", plan, 0, plan.stage(0), Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), 100_000);
  }

  static RolloutPlan cohortPlan() {
    return RolloutPlan.builder("r", "v2").stage(Stage.cohort("acme", CohortRule.builder().tenants("t0").build()).minCalls(100))
        .stage(Stage.full()).cohortHoldback(50).margin(new MetricMargin("error_rate", 0.5)).build();
  }

  @Test
  void aCohortThatFailsMoreOnEitherReleaseIsComparedWithItsHoldbackNotWithEveryoneElse() {
    RolloutPlan plan = cohortPlan();
    // Tenant t0 fails 4% of its calls on either release, everyone else 1%: the candidate (served to
    // t0 only) against the baseline elsewhere would be +3 pp, far past the margin.
    traffic(control(plan), 200_000, (tenant, cand) -> tenant.equals("t0") ? 0.04 : 0.01);

    Verdict v = judge.judge(progress(plan));

    assertThat(v.decision()).as(v.reason()).isNotEqualTo(Verdict.Decision.ROLLBACK);
  }

  @Test
  void aRegressionInsideTheCohortIsStillCaughtAgainstItsHoldback() {
    RolloutPlan plan = cohortPlan();
    traffic(control(plan), 200_000, (tenant, cand) -> tenant.equals("t0") ? (cand ? 0.12 : 0.04) : 0.01);

    Verdict v = judge.judge(progress(plan));

    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(v.reason()).startsWith("error_rate regression").contains("over");
  }

  static RolloutPlan segmentPlan() {
    return RolloutPlan.builder("r", "v2").stage(Stage.canary(20).minCalls(100)).stage(Stage.full())
        .segments(new Segments("tenant", TENANTS)).margin(new MetricMargin("error_rate", 1.0)).build();
  }

  @Test
  void oneSegmentsRegressionRollsBackNamingItWhileTheWholeStaysWithinItsMargin() {
    RolloutPlan plan = segmentPlan();
    // t4's candidate fails 5% instead of 1%: +4 pp there, +0.8 pp over the whole (margin 1 pp).
    traffic(control(plan), 200_000, (tenant, cand) -> cand && tenant.equals("t4") ? 0.05 : 0.01);

    Verdict v = judge.judge(progress(plan));

    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(v.reason()).startsWith("segment tenant=t4: error_rate regression");
    assertThat(v.evidence()).containsEntry("segment", "tenant=t4");
  }

  @Test
  void aSegmentThatLooksWorseThanItsMarginHoldsPromotionBeforeItIsShown() {
    RolloutPlan plan = segmentPlan();
    // t4's candidate +1.3 pp: beyond the 1 pp margin, not yet shown so; the whole is +0.26 pp.
    traffic(control(plan), 400_000, (tenant, cand) -> cand && tenant.equals("t4") ? 0.023 : 0.01);

    Verdict v = judge.judge(progress(plan));

    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.HOLD);
    assertThat(v.reason()).startsWith("segment tenant=t4: error_rate looks worse than its margin");
  }

  @Test
  void unchangedSegmentsArePromoted() {
    RolloutPlan plan = segmentPlan();
    traffic(control(plan), 200_000, (tenant, cand) -> 0.01);

    Verdict v = judge.judge(progress(plan));

    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.PROMOTE);
  }

  @Test
  void pinnedAllowListedAndIneligibleCallsAreNotJudged() {
    ChatRequest request = ChatRequest.ofUser("q");
    RolloutPlan plan = segmentPlan();
    for (int i = 0; i < 20_000; i++) {
      // Candidate calls that all fail, but none assigned at random; and healthy random baseline calls.
      String reason = List.of("pinned", "allow_list", "ineligible").get(i % 3);
      judge.onCall(new CallRecord(Instant.EPOCH, "r", "v2", !reason.equals("ineligible"), "canary", Outcome.ERROR, null,
          800_000_000L, 300, 0.0006, null, request, null, -1, i % 64, "c" + i, reason, ""));
      judge.onCall(new CallRecord(Instant.EPOCH, "r", "v1", false, "canary", Outcome.SUCCESS, null, 800_000_000L, 300, 0.0006,
          null, request, null, -1, i % 64, "b" + i, "baseline", ""));
    }

    Verdict v = judge.judge(progress(plan));

    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.HOLD);
    assertThat(v.reason()).isEqualTo("waiting for calls in both arms: candidate 0, baseline 20000");
  }
}
