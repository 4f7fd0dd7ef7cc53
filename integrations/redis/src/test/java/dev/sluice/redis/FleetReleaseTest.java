package dev.sluice.redis;

import static dev.sluice.redis.FleetRolloutTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.model.ClientResolver;
import dev.sluice.model.ChatRequest;
import dev.sluice.ReleaseDefinition;
import dev.sluice.release.ReleaseRefusedException;
import dev.sluice.release.Variant;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageGate;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Releases in a fleet, on a real Redis started by the test on 127.0.0.1: a release published on one
 * pod is the candidate on every pod within the fleet's propagation bound (one follow period, 1 s);
 * its promotion and a rollback to an earlier release reach every pod the same way; a pod started
 * later replays the log and serves the same release set; a second candidate is refused fleet-wide.
 */
class FleetReleaseTest extends OnRedis {

  static final Duration BOUND = Duration.ofSeconds(1);

  Sluice pod() {
    RedisRolloutStateStore state = closing(RedisRolloutStateStore.builder(client).keyPrefix(prefix + "rollout:").build());
    RedisToggleSource toggles = closing(RedisToggleSource.builder(client).keyPrefix(prefix + "toggles:").build());
    RedisReleaseStore releases = closing(RedisReleaseStore.builder(client).keyPrefix(prefix + "release:").build());
    Variant v7 = Variant.builder("v7").client(SimulatedModelClient.builder().noLatency().text("from v7").build()).model("gpt-4o-mini")
        .build();
    ClientResolver clients = ClientResolver.of(Map.of("v9", SimulatedModelClient.builder().noLatency().text("from v9").build(),
        "v10", SimulatedModelClient.builder().noLatency().text("from v10").build()));
    return closing(Sluice.builder()
        .route(Route.builder("support").baseline(v7)
            .releasePlan(RolloutPlan.builder("support", "next").stage(Stage.canary(50)).stage(Stage.full()).build()).build())
        .stageGate(StageGate.MANUAL)
        .rolloutStateStore(state).toggleSource(toggles).releaseStore(releases).releaseClients(clients)
        .evaluateRolloutsEvery(Duration.ZERO)
        .meterRegistry(new SimpleMeterRegistry())
        .auditSink(e -> { })
        .build());
  }

  static String release(String id) {
    return "route: support\nid: " + id + "\nmodel: gpt-4.1-mini\nclient: {ref: " + id + "}\nsystem_prompt: \"Release " + id
        + ".\"\nlabels: {prompt_version: support-" + id + "}\n";
  }

  static String candidate(Sluice pod) {
    return pod.route("support").candidate().map(Variant::id).orElse("none");
  }

  @Test
  void aReleasePublishedOnOnePodIsServedByEveryPodWithinTheBound() {
    Sluice a = pod();
    Sluice b = pod();
    Sluice c = pod();
    a.releases().publish(ReleaseDefinition.parse(release("v9")), "ana", "shorter answers");
    Duration published = await(() -> candidate(b).equals("v9") && candidate(c).equals("v9"));
    assertThat(published).as("publish propagation").isLessThan(BOUND);
    // The same rollout everywhere: its state is shared under the release's own key.
    assertThat(b.rollout("support").plan().candidate()).isEqualTo("v9");
    assertThat(b.releases().history("support")).singleElement().satisfies(e -> {
      assertThat(e.who()).isEqualTo("ana");
      assertThat(e.kind()).isEqualTo("published");
      assertThat(e.at()).as("when it was published, the same on every pod").isEqualTo(a.releases().history("support").get(0).at());
    });

    assertThatThrownBy(() -> c.releases().publish(ReleaseDefinition.parse(release("v10")), "bo", "too soon"))
        .isInstanceOf(ReleaseRefusedException.class).hasMessageContaining("release 'v9' is rolling out");

    b.rollout("support").forceAdvance("ana", "canary is clean");
    Duration promoted = await(() -> a.route("support").baseline().id().equals("v9") && c.route("support").baseline().id().equals("v9"));
    assertThat(promoted).as("promotion propagation").isLessThan(BOUND.multipliedBy(2));
    assertThat(c.call("support", ChatRequest.ofUser("hi"), Subject.of("u1")).text()).isEqualTo("from v9");

    c.releases().rollbackTo("support", "v7", "oncall", "INC-4711");
    Duration back = await(() -> a.route("support").baseline().id().equals("v7") && b.route("support").baseline().id().equals("v7"));
    assertThat(back).as("rollback propagation").isLessThan(BOUND);

    // A pod started now replays the log: same releases, same history.
    Sluice late = pod();
    assertThat(late.route("support").baseline().id()).isEqualTo("v7");
    assertThat(late.releases().releases("support")).containsEntry("v9", "promoted");
    assertThat(late.releases().history("support")).extracting(e -> e.kind()).containsExactly("published", "promoted", "rolled_back_to");
    System.out.printf("fleet release propagation on 127.0.0.1: publish %d ms, promote %d ms, rollback %d ms%n", published.toMillis(),
        promoted.toMillis(), back.toMillis());
  }

  @Test
  void aReleaseBuiltInCodeCannotTravelAndSaysSo() {
    Sluice a = pod();
    Variant v9 = Variant.builder("v9").client(SimulatedModelClient.builder().noLatency().build()).model("m").build();
    assertThatThrownBy(() -> a.releases().publish("support", v9, "ana", "x")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("publish a ReleaseDefinition");
  }
}
