package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.judge.Judge;
import dev.sluice.judge.JudgeConfig;
import dev.sluice.model.ChatRequest;
import dev.sluice.release.Variant;
import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.RolloutEvent;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageGate;
import dev.sluice.rollout.Verdict;
import dev.sluice.simulated.SimulatedFailure;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The judge fleet-wide on a real Redis: three pods pool their evidence; one pod at a time (the
 * holder of the evaluation lease) judges, on every pod's calls, and acts once; a pod that paused past
 * its lease while deciding cannot apply its verdict after another pod took over.
 */
class FleetJudgeTest extends OnRedis {

  final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-11-30T12:00:00Z"));
  final List<SimpleMeterRegistry> meters = new ArrayList<>();

  RedisEvidenceExchange exchange() {
    RedisEvidenceExchange e = RedisEvidenceExchange.builder(client).keyPrefix(prefix).build();
    closing.add(e);
    return e;
  }

  /** A pod whose candidate fails {@code candidateFailures} of its calls; judged by its own judge (sharing evidence) or {@code gate}. */
  Sluice pod(double candidateFailures, Duration lease, StageGate gate, long minCalls) {
    RedisRolloutStateStore state = RedisRolloutStateStore.builder(client).keyPrefix(prefix).evaluatorLease(lease).build();
    closing.add(state);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    meters.add(registry);
    SimulatedModelClient.Builder candidate = SimulatedModelClient.builder().noLatency().timeSource(time).seed(meters.size());
    if (candidateFailures > 0) {
      candidate.failure(SimulatedFailure.SERVER_ERROR, candidateFailures);
    }
    Sluice.Builder b = Sluice.builder()
        .route(Route.builder("support")
            .baseline(Variant.builder("v1").client(SimulatedModelClient.builder().noLatency().timeSource(time).build()).model("gpt-4o-mini").build())
            .variant(Variant.builder("v2").client(candidate.build()).model("gpt-4o-mini").build())
            .rollout(RolloutPlan.builder("support", "v2").stage(Stage.percent(50).minCalls(minCalls)).stage(Stage.full())
                .margin(new MetricMargin("error_rate", 0.5)).build())
            .build())
        .rolloutStateStore(state)
        .evaluateRolloutsEvery(Duration.ZERO)
        .timeSource(time)
        .meterRegistry(registry)
        .auditSink(e -> { });
    Sluice s = (gate == null
        ? b.judge(new Judge(JudgeConfig.DEFAULTS, registry).shareEvidence(exchange()))
        : b.stageGate(gate)).build();
    closing.add(s);
    return s;
  }

  /** {@code rounds} seconds of traffic: each pod 100 calls a second. */
  void traffic(List<Sluice> pods, int rounds) {
    for (int r = 0; r < rounds; r++) {
      for (Sluice pod : pods) {
        for (int i = 0; i < 100; i++) {
          pod.callAsync("support", ChatRequest.ofUser("Where is my order?"), Subject.of("u" + r + "-" + i)).exceptionally(e -> null);
        }
      }
      time.advance(Duration.ofSeconds(1));
    }
  }

  static double decisions(SimpleMeterRegistry registry) {
    return registry.find("sluice.rollout.decisions").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void threePodsPoolTheirEvidenceAndOnePodJudgesAndRollsBackOnce() {
    List<Sluice> pods = List.of(pod(0.3, Duration.ofSeconds(30), null, 100), pod(0.3, Duration.ofSeconds(30), null, 100),
        pod(0.3, Duration.ofSeconds(30), null, 100));
    traffic(pods, 20);
    for (Sluice pod : pods) {
      pod.rollout("support").evaluate();
    }
    assertThat(pods).allMatch(p -> p.rollout("support").state().rolledBack());
    assertThat(pods.get(0).rollout("support").state().reason()).startsWith("error_rate regression");
    List<List<RolloutEvent>> histories = pods.stream().map(p -> p.rollout("support").history()).toList();
    assertThat(histories.stream().filter(h -> !h.isEmpty())).as("one pod rolled it back").hasSize(1);
    assertThat(histories.stream().flatMap(List::stream).filter(e -> e.kind().equals("rolled_back"))).hasSize(1);
    assertThat(meters.stream().filter(m -> decisions(m) > 0)).as("only the evaluating pod's judge decided").hasSize(1);
  }

  @Test
  void theEvaluatingPodCountsEveryPodsCallsTowardsExposure() {
    List<Sluice> pods = List.of(pod(0, Duration.ofSeconds(30), null, 100_000), pod(0, Duration.ofSeconds(30), null, 100_000),
        pod(0, Duration.ofSeconds(30), null, 100_000));
    traffic(pods, 5);
    time.advance(Duration.ofSeconds(1));
    pods.forEach(p -> p.callAsync("support", ChatRequest.ofUser("one more"), Subject.of("last")).exceptionally(e -> null)); // sends the last second
    Sluice leader = pods.stream().filter(p -> p.rollout("support").evaluate() != null).findFirst().orElseThrow();
    long fleet = leader.rollout("support").progress().candidateCalls();
    Map<String, Double> totals = exchange().totals(Judge.evidenceScope(java.util.Objects.requireNonNull(leader.rollout("support").plan())), "percent-50");
    assertThat(fleet).as("the fleet's candidate calls, from Redis").isEqualTo(Math.round(totals.get("c.calls")));
    assertThat(fleet).as("all three pods' candidate calls (about half of 1,500), more than the leader's own").isBetween(600L, 900L);
    assertThat(Math.round(totals.get("c.calls") + totals.get("b.calls"))).as("every call, each pod's last second sent by its next call").isEqualTo(1_503);
  }

  @Test
  void aPodThatPausedPastItsLeaseWhileDecidingCannotApplyItsVerdict() {
    Sluice[] other = new Sluice[1];
    Duration lease = Duration.ofMillis(200);
    // Pod a's gate says roll back, but first a "pauses" (a long GC, say) past its lease, during which
    // pod b takes the lease and judges (hold: no evidence yet).
    StageGate pausing = p -> {
      // Real time, the lease lives on Redis's clock; parkNanos may return early, so park until 400 ms have passed.
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
      for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
      assertThat(other[0].rollout("support").evaluate()).as("b now evaluates").isNotNull();
      return Verdict.rollback("error_rate regression seen before the pause");
    };
    Sluice a = pod(0, lease, pausing, 100);
    other[0] = pod(0, lease, StageGate.EXPOSURE, 100);
    assertThat(a.rollout("support").evaluate()).as("a's verdict is returned").isNotNull();
    assertThat(a.rollout("support").state().rolledBack()).as("but not applied: b's term raised the state's version").isFalse();
    assertThat(other[0].rollout("support").state().rolledBack()).isFalse();
    assertThat(a.rollout("support").history()).isEmpty();
    assertThat(a.rollout("support").evaluate()).as("b holds the lease: a no longer evaluates").isNull();
  }
}
