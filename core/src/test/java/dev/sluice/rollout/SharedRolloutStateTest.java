package dev.sluice.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.release.Variant;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances of a service on one shared rollout state store (fleet mode, with a versioned
 * in-memory store standing in for Redis, whose own tests run the same cases on a real server): a
 * rollback on one is followed by the other at once when told, or at its next scheduled reload when
 * the notice is lost; two instances deciding the same stage change apply it once.
 */
class SharedRolloutStateTest {

  /** Versioned states, shared by the instances; each instance sees it through a {@link View}. */
  static final class Shared {
    final Map<String, RolloutStateStore.Versioned> states = new ConcurrentHashMap<>();
    final List<Consumer<String>> watchers = new CopyOnWriteArrayList<>();

    synchronized OptionalLong saveIfVersion(String route, long expected, RolloutState state) {
      RolloutStateStore.Versioned now = states.get(route);
      long version = now == null ? 0 : now.version();
      if (version != expected) {
        return OptionalLong.empty();
      }
      states.put(route, new RolloutStateStore.Versioned(state, version + 1));
      watchers.forEach(w -> w.accept(route));
      return OptionalLong.of(version + 1);
    }
  }

  /** One instance's view of the shared store; {@code beforeSave} lets a test put another instance's write first. */
  static final class View implements RolloutStateStore {
    final Shared shared;
    final boolean notices;
    Runnable beforeSave = () -> { };

    View(Shared shared, boolean notices) {
      this.shared = shared;
      this.notices = notices;
    }

    @Override
    public Optional<RolloutState> load(String route) {
      return loadVersioned(route).map(Versioned::state);
    }

    @Override
    public void save(String route, RolloutState state) {
      throw new AssertionError("a shared store is written with saveIfVersion");
    }

    @Override
    public Optional<Versioned> loadVersioned(String route) {
      return Optional.ofNullable(shared.states.get(route));
    }

    @Override
    public OptionalLong saveIfVersion(String route, long expected, RolloutState state) {
      Runnable first = beforeSave;
      beforeSave = () -> { };
      first.run();
      return shared.saveIfVersion(route, expected, state);
    }

    @Override
    public boolean shared() {
      return true;
    }

    @Override
    public AutoCloseable watch(Consumer<String> changed) {
      if (!notices) {
        return () -> { };
      }
      shared.watchers.add(changed);
      return () -> shared.watchers.remove(changed);
    }
  }

  final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-11-30T12:00:00Z"));
  final Shared shared = new Shared();
  final List<Sluice> pods = new ArrayList<>();

  Sluice pod(View store) {
    return pod(store, StageGate.EXPOSURE);
  }

  Sluice pod(View store, StageGate gate) {
    Variant v1 = Variant.builder("v1").client(SimulatedModelClient.builder().noLatency().build()).model("gpt-4o-mini").build();
    Variant v2 = Variant.builder("v2").client(SimulatedModelClient.builder().noLatency().build()).model("gpt-4o-mini").build();
    Sluice s = Sluice.builder()
        .route(Route.builder("support").baseline(v1).variant(v2)
            .rollout(RolloutPlan.builder("support", "v2").stage(Stage.percent(10).minCalls(0).minDuration(Duration.ZERO))
                .stage(Stage.percent(50).minCalls(0).minDuration(Duration.ZERO)).stage(Stage.full()).build())
            .build())
        .rolloutStateStore(store)
        .stageGate(gate)
        .executor(Runnable::run) // notices handled at once, on the notifying thread
        .evaluateRolloutsEvery(Duration.ZERO)
        .timeSource(time)
        .meterRegistry(new SimpleMeterRegistry())
        .auditSink(e -> { })
        .build();
    pods.add(s);
    return s;
  }

  @AfterEach
  void close() {
    pods.forEach(Sluice::close);
  }

  static long candidatesOutOf1000(Sluice pod) {
    int n = 0;
    for (int u = 0; u < 1000; u++) {
      n += pod.rollout("support").assign(Subject.of("user-" + u)).candidate() ? 1 : 0;
    }
    return n;
  }

  @Test
  void aRollbackOnOneInstanceSendsNoUserOfTheOtherToTheCandidate() {
    Sluice a = pod(new View(shared, true));
    Sluice b = pod(new View(shared, true));
    assertThat(candidatesOutOf1000(b)).as("10%% of users on the candidate before").isBetween(60L, 140L);
    a.rollout("support").rollback("oncall", "error rate");
    assertThat(b.rollout("support").state().rolledBack()).as("told of the change, b follows at once").isTrue();
    assertThat(candidatesOutOf1000(b)).isZero();
    assertThat(b.rollout("support").history()).as("the rollback is a's event, not b's").isEmpty();
  }

  @Test
  void withoutTheNoticeTheNextScheduledReloadBringsTheChange() {
    Sluice a = pod(new View(shared, false));
    Sluice b = pod(new View(shared, false));
    a.rollout("support").advance("oncall", "looks good");
    assertThat(b.rollout("support").stage().name()).as("no notice yet").isEqualTo("percent-10");
    time.advance(Duration.ofMillis(999));
    assertThat(b.rollout("support").stage().name()).isEqualTo("percent-10");
    time.advance(Duration.ofMillis(1));
    assertThat(b.rollout("support").stage().name()).as("after one reload period (1 s)").isEqualTo("percent-50");
  }

  @Test
  void twoInstancesAdvancingFromTheSameStageMoveItOnce() {
    View bView = new View(shared, false);
    Sluice a = pod(new View(shared, false));
    Sluice b = pod(bView);
    // b decides to advance from stage 0; just before it writes, a advances from stage 0 too.
    bView.beforeSave = () -> a.rollout("support").advance("judge-a", "promote");
    b.rollout("support").advance("judge-b", "promote");
    assertThat(shared.states.get("support").state().stageIndex()).as("one stage forward, not two").isEqualTo(1);
    assertThat(b.rollout("support").stage().name()).isEqualTo("percent-50");
    assertThat(a.rollout("support").history()).extracting(RolloutEvent::kind).containsExactly("advanced");
    assertThat(b.rollout("support").history()).as("b found it done and recorded nothing").isEmpty();
  }

  @Test
  void aVerdictReachedOnAStateAnotherInstanceChangedMeanwhileIsDroppedNotApplied() {
    View bView = new View(shared, false);
    Sluice a = pod(new View(shared, false));
    Sluice b = pod(bView, p -> Verdict.rollback("error_rate regression"));
    // b's judge says roll back; before b writes, a (an operator) advances the stage: b's verdict was
    // about a stage the fleet has left, so it is dropped; the next evaluation judges the new stage.
    bView.beforeSave = () -> a.rollout("support").advance("oncall", "looks good");
    b.rollout("support").evaluate();
    assertThat(shared.states.get("support").state().rolledBack()).isFalse();
    assertThat(b.rollout("support").stage().name()).isEqualTo("percent-50");
    assertThat(b.rollout("support").history()).as("nothing recorded by b").isEmpty();
    b.rollout("support").evaluate();
    assertThat(shared.states.get("support").state().rolledBack()).as("judged again, on the new stage").isTrue();
  }

  @Test
  void aNewInstanceStartsWhereTheFleetIs() {
    Sluice a = pod(new View(shared, true));
    a.rollout("support").advance("oncall", "looks good");
    Sluice late = pod(new View(shared, true));
    assertThat(late.rollout("support").stage().name()).isEqualTo("percent-50");
    assertThat(shared.states.get("support").version()).as("the late instance read, it did not write").isEqualTo(2);
  }
}
