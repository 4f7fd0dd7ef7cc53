package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.release.Variant;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.RolloutState;
import dev.sluice.rollout.Stage;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Sluice instances (pods) sharing rollout state and toggles on a real Redis (started by the test on
 * 127.0.0.1): a rollback or a kill on one pod reaches the others within a second, through the
 * change channel; a stage change is applied once; every pod restarted finds the fleet where it was;
 * with Redis down a pod keeps what it last read and refuses to change it.
 */
class FleetRolloutTest extends OnRedis {

  Sluice pod() {
    RedisRolloutStateStore state = RedisRolloutStateStore.builder(client).keyPrefix(prefix + "rollout:").build();
    RedisToggleSource toggles = RedisToggleSource.builder(client).keyPrefix(prefix + "toggles:").build();
    closing.add(state);
    closing.add(toggles);
    Variant v1 = Variant.builder("v1").client(SimulatedModelClient.builder().noLatency().build()).model("gpt-4o-mini").build();
    Variant v2 = Variant.builder("v2").client(SimulatedModelClient.builder().noLatency().build()).model("gpt-4o-mini").build();
    Sluice s = Sluice.builder()
        .route(Route.builder("support").baseline(v1).variant(v2)
            .rollout(RolloutPlan.builder("support", "v2").stage(Stage.percent(10).minCalls(0).minDuration(Duration.ZERO))
                .stage(Stage.percent(50).minCalls(0).minDuration(Duration.ZERO)).stage(Stage.full()).build())
            .build())
        .stageGate(dev.sluice.rollout.StageGate.MANUAL)
        .rolloutStateStore(state)
        .toggleSource(toggles)
        .evaluateRolloutsEvery(Duration.ZERO)
        .meterRegistry(new SimpleMeterRegistry())
        .auditSink(e -> { })
        .build();
    closing.add(s);
    return s;
  }

  static long candidatesOutOf1000(Sluice pod) {
    int n = 0;
    for (int u = 0; u < 1000; u++) {
      n += pod.rollout("support").assign(Subject.of("user-" + u)).candidate() ? 1 : 0;
    }
    return n;
  }

  /** Real time, bounded: how long until {@code condition} held on the other pod. */
  static Duration await(BooleanSupplier condition) {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within 10 s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void aChangeNoticeIsHandedOverOffLettucesIoThreadsWhereTheHandlerMayReadRedis() throws Exception {
    // A handler run on the I/O loop that reads Redis synchronously waits for a reply that only a
    // loop can read (on a test clock Sluice runs the follow-up read in the notifying thread): the
    // demo's --pods 3 stalled for minutes that way. The handler here reads Redis, as follow() does.
    RedisRolloutStateStore store = RedisRolloutStateStore.builder(client).keyPrefix(prefix + "rollout:").build();
    closing.add(store);
    java.util.concurrent.CompletableFuture<String> handled = new java.util.concurrent.CompletableFuture<>();
    closing.add(store.watch(route -> {
      store.loadVersioned(route);
      handled.complete(Thread.currentThread().getName());
    }));
    Sluice a = pod();
    a.rollout("support").rollback("oncall", "error rate");
    assertThat(handled.get(5, TimeUnit.SECONDS)).doesNotContain("EventLoop");
  }

  @Test
  void aRollbackAndAKillOnOnePodReachTheOthersWithinASecond() {
    Sluice a = pod();
    Sluice b = pod();
    Sluice c = pod();
    assertThat(candidatesOutOf1000(b)).isBetween(60L, 140L);
    a.rollout("support").rollback("oncall", "error rate");
    Duration rollback = await(() -> b.rollout("support").state().rolledBack() && c.rollout("support").state().rolledBack());
    assertThat(rollback).as("rollback propagation").isLessThan(Duration.ofSeconds(1));
    assertThat(candidatesOutOf1000(b)).isZero();
    assertThat(candidatesOutOf1000(c)).isZero();
    a.rollout("support").kill(false, "oncall", "bad answers");
    Duration kill = await(() -> b.rollout("support").toggles().killed() && c.rollout("support").toggles().killed());
    assertThat(kill).as("kill propagation").isLessThan(Duration.ofSeconds(1));
    System.out.printf("fleet propagation on 127.0.0.1: rollback %d ms, kill %d ms%n", rollback.toMillis(), kill.toMillis());
  }

  @Test
  void aStageChangeIsAppliedOnceAndARestartedFleetResumesWhereItWas() {
    Sluice a = pod();
    Sluice b = pod();
    a.rollout("support").advance("oncall", "healthy");
    await(() -> b.rollout("support").stage().name().equals("percent-50"));
    b.rollout("support").pin("v1", "oncall", "investigating");
    RedisRolloutStateStore store = RedisRolloutStateStore.builder(client).keyPrefix(prefix + "rollout:").build();
    closing.add(store);
    RolloutState now = store.loadVersioned("support").orElseThrow().state();
    long version = store.loadVersioned("support").orElseThrow().version();
    assertThat(store.saveIfVersion("support", version, now.paused(true, "x"))).isPresent();
    assertThat(store.saveIfVersion("support", version, now.paused(true, "y"))).as("the second writer of one version loses").isEmpty();
    // Every pod goes away; new ones start where the fleet was.
    Sluice fresh = pod();
    assertThat(fresh.rollout("support").stage().name()).isEqualTo("percent-50");
    assertThat(fresh.rollout("support").state().paused()).isTrue();
    assertThat(fresh.rollout("support").toggles().pinned()).isEqualTo("v1");
  }

  @Test
  void withRedisDownAPodKeepsWhatItReadAndRefusesToChangeIt() {
    Sluice a = pod();
    a.rollout("support").advance("oncall", "healthy");
    redis.stop();
    try {
      assertThatThrownBy(() -> a.rollout("support").advance("oncall", "more"))
          .isInstanceOf(StateUnavailableException.class).hasMessageContaining("support");
      assertThat(a.rollout("support").stage().name()).as("the last state read still serves calls").isEqualTo("percent-50");
      assertThat(candidatesOutOf1000(a)).isBetween(400L, 600L);
    } finally {
      redis.restart();
    }
    await(() -> {
      try {
        a.rollout("support").advance("oncall", "more");
        return true;
      } catch (StateUnavailableException e) {
        return false;
      }
    });
    assertThat(a.rollout("support").stage().name()).isEqualTo("full");
  }

  @Test
  void theStoreSaysWhereItLives() {
    assertThat(RedisRolloutStateStore.builder(client).keyPrefix("p:").build()).satisfies(s -> {
      closing.add(s);
      assertThat(s.toString()).isEqualTo("RedisRolloutStateStore[prefix=p:]");
      assertThat(s.shared()).isTrue();
    });
    assertThat(Instant.now()).isNotNull();
  }
}
