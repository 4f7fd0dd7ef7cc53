package dev.sluice.rollout;

import dev.sluice.RolloutControl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.outcome.CallRejectedException;
import dev.sluice.Fixtures;
import dev.sluice.Fixtures.Events;
import dev.sluice.Route;
import dev.sluice.ScriptedModel;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.subject.Subject;
import dev.sluice.model.ChatRequest;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RolloutTest {

  final ManualTimeSource time = new ManualTimeSource();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Events events = new Events();
  final List<RolloutEvent> rolloutEvents = new ArrayList<>();
  final ScriptedModel baseModel = new ScriptedModel(time, List.of(), ScriptedModel.ok(Duration.ZERO, "baseline answer"));
  final ScriptedModel candModel = new ScriptedModel(time, List.of(), ScriptedModel.ok(Duration.ZERO, "candidate answer"));
  final RolloutStateStore store = RolloutStateStore.inMemory();

  RolloutPlan plan() {
    return RolloutPlan.builder("r", "v2").salt("test")
        .stage(Stage.offlineGate())
        .stage(Stage.canary(10).minCalls(20).minDuration(Duration.ofMinutes(30)))
        .stage(Stage.cohort("tenant-acme", CohortRule.builder().tenants("acme").build()).minCalls(0).minDuration(Duration.ZERO))
        .stage(Stage.percent(50).minCalls(0).minDuration(Duration.ZERO))
        .stage(Stage.full())
        .build();
  }

  Sluice sluice(StageGate gate) {
    return Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", baseModel, "gpt-4o-mini", "p1"))
            .variant(Fixtures.variant("v2", candModel, "gpt-4.1-mini", "p2")).rollout(plan()).build())
        .timeSource(time).meterRegistry(registry).auditSink(events::accept)
        .rolloutStateStore(store).stageGate(gate).rolloutListener(rolloutEvents::add)
        .evaluateRolloutsEvery(Duration.ofMinutes(1))
        .build();
  }

  SluiceResponse call(Sluice s, String user) {
    return s.call("r", ChatRequest.ofUser("hi"), Subject.of(user));
  }

  SluiceResponse call(Sluice s, Subject subject) {
    return s.call("r", ChatRequest.ofUser("hi"), subject);
  }

  long candidateShare(Sluice s, int users) {
    long n = 0;
    for (int i = 0; i < users; i++) {
      n += call(s, "user-" + i).variantId().equals("v2") ? 1 : 0;
    }
    return n;
  }

  /** A passing report for the route's candidate (v2 on gpt-4.1-mini with prompt p2). */
  GateReport passing() {
    return new GateReport(10, 1, 1, 0, 0, 0, List.of(), true, "10/10",
        GateReport.identity(Fixtures.variant("v2", candModel, "gpt-4.1-mini", "p2")));
  }

  @Test
  void aGateReportMadeForAnotherCandidateVersionIsRefused() {
    Sluice s = sluice(StageGate.MANUAL);
    GateReport otherPrompt = new GateReport(10, 1, 1, 0, 0, 0, List.of(), true, "10/10",
        GateReport.identity(Fixtures.variant("v2", candModel, "gpt-4.1-mini", "p3")));
    assertThatThrownBy(() -> s.rollout("r").recordGate(otherPrompt, "ci")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the gate report is for v2 gpt-4.1-mini").hasMessageContaining("p3")
        .hasMessageContaining("run the offline gate on this candidate");
    assertThat(s.rollout("r").state().gatePassed()).isFalse();
    s.rollout("r").recordGate(passing(), "ci");
    assertThat(s.rollout("r").state().gatePassed()).isTrue();
  }

  @Test
  void theOfflineGateHoldsLiveTrafficUntilAPassingReportIsRecorded() {
    Sluice s = sluice(StageGate.MANUAL);
    RolloutControl rollout = s.rollout("r");

    assertThat(candidateShare(s, 200)).isZero();
    assertThatThrownBy(() -> rollout.advance("ana", "try")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("offline gate has not passed");
    rollout.recordGate(new GateReport(10, 1, 0.5, 0, 0, 0, List.of(), false, "5/10", passing().candidate()), "ci");
    time.advance(Duration.ofMinutes(2));
    assertThat(rollout.stage().kind()).isEqualTo(StageKind.OFFLINE_GATE);

    rollout.recordGate(passing(), "ci");
    time.advance(Duration.ofMinutes(1));
    assertThat(rollout.stage().name()).isEqualTo("canary");
    assertThat(rolloutEvents).extracting(RolloutEvent::kind).containsSubsequence("gate", "gate", "advanced");
  }

  @Test
  void stagesAdvanceInOrderOnlyWhenExposureIsMetAndTheRampOnlyAddsSubjects() {
    Sluice s = sluice(StageGate.MANUAL);
    RolloutControl rollout = s.rollout("r");
    rollout.recordGate(passing(), "ci");
    rollout.advance("ana", "gate passed");

    long canary = candidateShare(s, 1000);
    assertThat(canary).isBetween(60L, 140L); // 10% of 1,000 subjects
    assertThatThrownBy(() -> rollout.advance("ana", "too soon")).hasMessageContaining("needs 20 candidate calls and 30m");
    time.advance(Duration.ofMinutes(31));

    List<String> canaryUsers = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      if (call(s, "user-" + i).variantId().equals("v2")) {
        canaryUsers.add("user-" + i);
      }
    }
    rollout.advance("ana", "canary clean");
    assertThat(rollout.stage().name()).isEqualTo("tenant-acme");
    assertThat(canaryUsers).allSatisfy(u -> assertThat(call(s, u).variantId()).isEqualTo("v2"));
    List<String> acme = new ArrayList<>();
    List<String> heldBack = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String key = "acme-" + i;
      (call(s, Subject.builder().routingKey(key).tenant("acme").build()).variantId().equals("v2") ? acme : heldBack).add(key);
    }
    assertThat(heldBack).as("the default 10% holdback of the cohort stays on the baseline").hasSizeBetween(60, 140)
        .allSatisfy(k -> assertThat(Bucketing.bucket(s.rollout("r").plan().salt(), k)).isGreaterThanOrEqualTo(90_000));

    rollout.advance("ana", "cohort clean");
    assertThat(candidateShare(s, 1000)).isBetween(430L, 570L);
    assertThat(acme).as("the cohort keeps the candidate at 50%")
        .allSatisfy(k -> assertThat(call(s, Subject.builder().routingKey(k).tenant("acme").build()).variantId()).isEqualTo("v2"));
    assertThat(heldBack).as("and the holdback the baseline")
        .allSatisfy(k -> assertThat(call(s, Subject.builder().routingKey(k).tenant("acme").build()).variantId()).isEqualTo("v1"));
    rollout.advance("ana", "half clean");
    assertThat(candidateShare(s, 300)).isEqualTo(300);
    assertThatThrownBy(() -> rollout.advance("ana", "more")).hasMessageContaining("last stage");
    assertThat(registry.get("sluice.assignments").tag("stage", "full").tag("variant", "v2").counter().count()).isEqualTo(300);
  }

  @Test
  void liveStagesNeedExposureByDefaultAndOnlyAForcedAdvanceWithAReasonSkipsIt() {
    assertThat(Stage.canary(1).minCandidateCalls()).isEqualTo(500);
    assertThat(Stage.percent(25).minCandidateCalls()).isEqualTo(1000);
    assertThat(Stage.cohort("acme", CohortRule.builder().tenants("acme").build()).minCandidateCalls()).isEqualTo(500);
    assertThat(Stage.canary(1).minDuration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(Stage.shadow(0.2).minCandidateCalls()).isEqualTo(200);
    assertThat(Stage.full().minCandidateCalls()).isZero();
    Sluice s = sluice(StageGate.MANUAL);
    RolloutPlan defaults = RolloutPlan.builder("r", "v2").stage(Stage.percent(50)).stage(Stage.full()).build();
    RolloutControl plain = new RolloutControl(s.route("r"), defaults, RolloutStateStore.inMemory(), new InMemoryToggleSource(), time,
        StageGate.MANUAL, List.of(rolloutEvents::add));
    assertThatThrownBy(() -> plain.advance("ana", "looks fine"))
        .hasMessageContaining("stage percent-50 needs 1000 candidate calls and 10m; it has 0 calls over 0s");
    assertThatThrownBy(() -> plain.forceAdvance("ana", " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs who forces it and why");
    plain.forceAdvance("ana", "incident 4711: the old prompt leaks order numbers");
    assertThat(plain.stage().name()).isEqualTo("full");
    RolloutEvent forced = rolloutEvents.get(rolloutEvents.size() - 1);
    assertThat(forced.kind()).isEqualTo("forced_advance");
    assertThat(forced.who()).isEqualTo("ana");
    assertThat(forced.why()).startsWith("incident 4711").contains("forced past: stage percent-50 needs 1000 candidate calls");
    assertThatThrownBy(() -> plain.forceAdvance("ana", "again")).hasMessageContaining("last stage");
  }

  @Test
  void aPlanThatNamesNoMetricIsRefusedUnlessAGateIsChosen() {
    RolloutPlan plan = RolloutPlan.builder("r", "v2").stage(Stage.canary(5)).stage(Stage.full()).build();
    Sluice.Builder b = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", baseModel, "gpt-4o-mini", "p1"))
            .variant(Fixtures.variant("v2", candModel, "gpt-4.1-mini", "p2")).rollout(plan).build())
        .timeSource(time).meterRegistry(registry).auditSink(events::accept);
    assertThatThrownBy(b::build).isInstanceOf(dev.sluice.outcome.InvalidConfigurationException.class)
        .hasMessageContaining("routes[r].rollout.metrics").hasMessageContaining("names no metric margins");
    b.stageGate(StageGate.EXPOSURE).build().close();
  }

  @Test
  void theExposureGatePromotesByTimeAndCallsOnItsSchedule() {
    Sluice s = sluice(StageGate.EXPOSURE);
    RolloutControl rollout = s.rollout("r");
    rollout.recordGate(passing(), "ci");
    time.advance(Duration.ofMinutes(1));
    assertThat(rollout.stage().name()).isEqualTo("canary");
    candidateShare(s, 400); // about 40 candidate calls: enough
    time.advance(Duration.ofMinutes(20));
    assertThat(rollout.stage().name()).as("minimum duration not met").isEqualTo("canary");
    time.advance(Duration.ofMinutes(11));
    // the cohort stage has no minimum, so the next evaluation moves on again: stages never skip, one per tick
    assertThat(rolloutEvents).filteredOn(e -> e.kind().equals("advanced")).extracting(RolloutEvent::stage)
        .containsSubsequence("canary", "tenant-acme", "percent-50");
    assertThat(rolloutEvents).filteredOn(e -> e.kind().equals("advanced")).allSatisfy(e -> assertThat(e.who()).isEqualTo("sluice"));
  }

  @Test
  void pauseStopsAutomaticAdvancementUntilResumed() {
    Sluice s = sluice(StageGate.EXPOSURE);
    RolloutControl rollout = s.rollout("r");
    rollout.recordGate(passing(), "ci");
    time.advance(Duration.ofMinutes(1));
    rollout.pause("ana", "waiting for the support team");
    candidateShare(s, 400);
    time.advance(Duration.ofHours(2));
    assertThat(rollout.stage().name()).isEqualTo("canary");
    assertThat(candidateShare(s, 1000)).as("traffic stays as the stage has it").isBetween(60L, 140L);
    rollout.resume("ana", "go");
    time.advance(Duration.ofMinutes(1));
    assertThat(rollout.stage().name()).isEqualTo("tenant-acme");
  }

  @Test
  void killPinPercentAndRollbackTakeEffectOnTheNextCall() {
    Sluice s = sluice(StageGate.MANUAL);
    RolloutControl rollout = s.rollout("r");
    rollout.recordGate(passing(), "ci");
    rollout.advance("ana", "go");
    assertThat(candidateShare(s, 500)).isPositive();

    rollout.kill(false, "oncall", "INC-1");
    assertThat(candidateShare(s, 500)).isZero();
    assertThat(call(s, "user-1").variantId()).isEqualTo("v1");
    rollout.unkill("oncall", "fixed");
    assertThat(candidateShare(s, 500)).isPositive();

    rollout.kill(true, "oncall", "INC-2");
    assertThatThrownBy(() -> call(s, "user-1")).isInstanceOfSatisfying(CallRejectedException.class,
        e -> assertThat(e.reason()).isEqualTo("kill_switch"));
    rollout.unkill("oncall", "fixed");

    rollout.pin("v2", "ana", "demo for the CEO");
    assertThat(candidateShare(s, 100)).isEqualTo(100);
    assertThat(call(s, "user-3").labels().promptVersion()).contains("p2");
    rollout.unpin("ana", "done");

    rollout.percent(100.0, "ana", "all in");
    assertThat(candidateShare(s, 100)).isEqualTo(100);
    rollout.percent(25.0, "ana", "a quarter");
    assertThat(rollout.progress().expectedPercent()).as("the judge expects the operator's share").isEqualTo(25.0);
    rollout.percent(null, "ana", "back to the stage");
    assertThat(rollout.progress().expectedPercent()).isEqualTo(10.0);

    rollout.rollback("ana", "complaints");
    assertThat(candidateShare(s, 500)).isZero();
    assertThat(call(s, "user-1").chatResponse().text()).isEqualTo("baseline answer");
    assertThat(events.all.get(events.all.size() - 1).assignment()).isEqualTo("rolled_back");
    assertThatThrownBy(() -> rollout.advance("ana", "again")).hasMessageContaining("rolled back (complaints)");

    assertThat(rolloutEvents).extracting(RolloutEvent::kind).containsSubsequence(
        "killed", "unkilled", "killed", "unkilled", "pinned", "unpinned", "percent", "percent", "percent", "rolled_back");
    assertThat(rolloutEvents).filteredOn(e -> e.kind().equals("rolled_back")).singleElement()
        .satisfies(e -> {
          assertThat(e.who()).isEqualTo("ana");
          assertThat(e.why()).isEqualTo("complaints");
        });
    assertThat(rollout.history()).hasSameSizeAs(rolloutEvents);
  }

  @Test
  void aRestartedServiceResumesWhereItWas() {
    Sluice first = sluice(StageGate.MANUAL);
    first.rollout("r").recordGate(passing(), "ci");
    first.rollout("r").advance("ana", "go");
    first.close();

    Sluice second = sluice(StageGate.MANUAL);
    assertThat(second.rollout("r").stage().name()).isEqualTo("canary");
    assertThat(second.rollout("r").state().gatePassed()).isTrue();
  }

  @Test
  void aStageAtItsMaximumDurationRollsBackOrEscalatesAsThePlanSays() {
    RolloutPlan plan = RolloutPlan.builder("r", "v2")
        .stage(Stage.canary(5).minCalls(1_000_000).maxDuration(Duration.ofHours(1), AtMaxDuration.ROLLBACK))
        .stage(Stage.full()).build();
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", baseModel, "gpt-4o-mini", "p1"))
            .variant(Fixtures.variant("v2", candModel, "gpt-4.1-mini", "p2")).rollout(plan).build())
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).rolloutListener(rolloutEvents::add)
        .stageGate(StageGate.EXPOSURE).evaluateRolloutsEvery(Duration.ofMinutes(5)).build();
    time.advance(Duration.ofMinutes(61));
    assertThat(s.rollout("r").state().rolledBack()).isTrue();
    assertThat(s.rollout("r").state().reason()).contains("maximum duration");
  }

  @Test
  void callsWithoutARoutingKeyAreAssignedPerRequestAndCounted() {
    Sluice s = sluice(StageGate.MANUAL);
    s.rollout("r").recordGate(passing(), "ci");
    s.rollout("r").advance("ana", "go");
    int candidate = 0;
    for (int i = 0; i < 2000; i++) {
      candidate += call(s, Subject.anonymous()).variantId().equals("v2") ? 1 : 0;
    }
    assertThat(candidate).isBetween(120, 280);
    assertThat(s.rollout("r").unkeyedCalls()).isEqualTo(2000);
  }

  @Test
  void aCallKeepsItsVariantForAllItsRetries() {
    ScriptedModel flaky = new ScriptedModel(time, List.of(ScriptedModel.fail(Duration.ZERO, 503)), ScriptedModel.ok(Duration.ZERO, "ok"));
    RolloutPlan plan = RolloutPlan.builder("r", "v2").stage(Stage.percent(100).named("all")).stage(Stage.full()).build();
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", baseModel, "gpt-4o-mini", "p1"))
            .variant(Fixtures.variant("v2", flaky, "gpt-4.1-mini", "p2")).rollout(plan).build())
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).stageGate(StageGate.MANUAL).build();
    var f = s.callAsync("r", ChatRequest.ofUser("hi"), Subject.of("u"));
    time.advance(Duration.ofSeconds(2));
    assertThat(f.join().variantId()).isEqualTo("v2");
    assertThat(f.join().attempts()).isEqualTo(2);
    assertThat(baseModel.calls()).isZero();
  }

  @Test
  void aPlanForAnotherRouteOrAMissingCandidateFailsAtBuild() {
    assertThatThrownBy(() -> Route.builder("r").baseline(Fixtures.variant("v1", baseModel, "gpt-4o-mini", "p1"))
        .rollout(RolloutPlan.builder("r", "v9").stage(Stage.full()).build()).build())
        .hasMessageContaining("route[r].rollout.candidate").hasMessageContaining("[v1]");
    assertThatThrownBy(() -> Route.builder("r").baseline(Fixtures.variant("v1", baseModel, "gpt-4o-mini", "p1"))
        .variant(Fixtures.variant("v2", candModel, "gpt-4o-mini", "p1"))
        .rollout(RolloutPlan.builder("other", "v2").stage(Stage.full()).build()).build())
        .hasMessageContaining("route[r].rollout.route");
  }

  static Throwable cause(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
