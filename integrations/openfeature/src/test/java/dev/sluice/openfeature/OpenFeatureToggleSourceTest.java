package dev.sluice.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.model.ChatRequest;
import dev.sluice.outcome.CallRejectedException;
import dev.sluice.release.Variant;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageGate;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Route toggles driven by OpenFeature's own in-memory provider: effective on the next call, targeted by the subject. */
class OpenFeatureToggleSourceTest {

  final InMemoryProvider provider = new InMemoryProvider(new HashMap<String, Flag<?>>());
  final String domain = "sluice-test-" + UUID.randomUUID();
  Sluice sluice;

  @AfterEach
  void close() {
    if (sluice != null) {
      sluice.close();
    }
    OpenFeatureAPI.getInstance().getProvider(domain).shutdown();
  }

  static Variant variant(String id) {
    return Variant.builder(id).client(SimulatedModelClient.builder().text("from " + id).build()).model("gpt-4o-mini").build();
  }

  Sluice sluice() {
    OpenFeatureAPI.getInstance().setProviderAndWait(domain, provider);
    Client client = OpenFeatureAPI.getInstance().getClient(domain);
    sluice = Sluice.builder()
        .route(Route.builder("r").baseline(variant("v1")).variant(variant("v2"))
            .rollout(RolloutPlan.builder("r", "v2").stage(Stage.percent(50)).stage(Stage.full()).build()).build())
        .toggleSource(OpenFeatureToggleSource.of(client)).stageGate(StageGate.MANUAL)
        .meterRegistry(new SimpleMeterRegistry()).auditSink(e -> { }).build();
    return sluice;
  }

  String served(Subject subject) {
    return sluice.call("r", ChatRequest.ofUser("hi"), subject).variantId();
  }

  static Flag<String> text(String value) {
    return Flag.<String>builder().variant("v", value).defaultVariant("v").build();
  }

  @Test
  void aPercentFlagReweightsTheCandidateOnTheNextCall() {
    provider.updateFlag("sluice.r.percent", Flag.<Double>builder().variant("all", 100.0).defaultVariant("all").build());
    Sluice s = sluice();
    for (int i = 0; i < 20; i++) {
      assertThat(served(Subject.of("user-" + i))).isEqualTo("v2");
    }
    provider.updateFlag("sluice.r.percent", Flag.<Double>builder().variant("none", 0.0).defaultVariant("none").build());
    for (int i = 0; i < 20; i++) {
      assertThat(served(Subject.of("user-" + i))).isEqualTo("v1");
    }
    assertThat(s.rollout("r").toggles().percentOverride()).as("flags are read per call, not copied into the local toggles").isNull();
  }

  @Test
  void aPinCanTargetOneTenantThroughTheEvaluationContext() {
    provider.updateFlag("sluice.r.pin", Flag.<String>builder().variant("acme", "v2").variant("none", "").defaultVariant("none")
        .contextEvaluator((flag, ctx) -> "acme".equals(ctx.getValue("tenant") == null ? null : ctx.getValue("tenant").asString())
            ? "v2" : "").build());
    provider.updateFlag("sluice.r.percent", Flag.<Double>builder().variant("none", 0.0).defaultVariant("none").build());
    sluice();

    assertThat(served(Subject.builder().routingKey("u1").tenant("acme").build())).isEqualTo("v2");
    assertThat(served(Subject.builder().routingKey("u1").tenant("globex").build())).isEqualTo("v1");
  }

  @Test
  void aKillFlagSendsEveryCallToTheBaselineOrRejectsItWithoutAFallbackChain() {
    provider.updateFlag("sluice.r.percent", Flag.<Double>builder().variant("all", 100.0).defaultVariant("all").build());
    provider.updateFlag("sluice.r.kill", text("baseline"));
    sluice();
    assertThat(served(Subject.of("u1"))).isEqualTo("v1");

    provider.updateFlag("sluice.r.kill", text("fallback"));
    assertThatThrownBy(() -> served(Subject.of("u1"))).isInstanceOf(CallRejectedException.class).hasMessageContaining("kill");

    provider.updateFlag("sluice.r.kill", text("off"));
    assertThat(served(Subject.of("u1"))).isEqualTo("v2");
  }

  @Test
  void aPauseFlagHoldsTheRolloutUntilItIsCleared() {
    OpenFeatureAPI.getInstance().setProviderAndWait(domain, provider);
    provider.updateFlag("sluice.r.pause", Flag.<Boolean>builder().variant("on", true).variant("off", false).defaultVariant("on").build());
    sluice = Sluice.builder()
        .route(Route.builder("r").baseline(variant("v1")).variant(variant("v2"))
            .rollout(RolloutPlan.builder("r", "v2").stage(Stage.percent(50).minCalls(0).minDuration(java.time.Duration.ZERO))
                .stage(Stage.full()).build()).build())
        .toggleSource(OpenFeatureToggleSource.of(OpenFeatureAPI.getInstance().getClient(domain)))
        .stageGate(p -> dev.sluice.rollout.Verdict.promote("every check passed"))
        .meterRegistry(new SimpleMeterRegistry()).auditSink(e -> { }).build();

    assertThat(sluice.rollout("r").evaluate()).as("held by the flag: no verdict acted on").isNull();
    assertThat(sluice.rollout("r").state().stageIndex()).isZero();

    provider.updateFlag("sluice.r.pause", Flag.<Boolean>builder().variant("on", true).variant("off", false).defaultVariant("off").build());
    sluice.rollout("r").evaluate();
    assertThat(sluice.rollout("r").state().stageIndex()).as("released: the promotion goes through").isEqualTo(1);
  }

  @Test
  void withoutFlagsTheLocalTogglesApplyAndAPinToAnUnknownVariantIsIgnored() {
    provider.updateFlag("sluice.r.percent", Flag.<Double>builder().variant("all", 100.0).defaultVariant("all").build());
    Sluice s = sluice();
    s.rollout("r").kill(false, "ops", "incident 42");
    assertThat(served(Subject.of("u1"))).as("RolloutControl's kill, kept locally").isEqualTo("v1");
    s.rollout("r").unkill("ops", "resolved");

    assertThat(s.rollout("r").toggles().percentOverride()).as("the kill did not copy the percent flag into the local toggles").isNull();
    provider.updateFlag("sluice.r.pin", text("v9"));
    assertThat(served(Subject.of("u1"))).as("a pin to a variant the route lacks is not a failed call").isEqualTo("v2");
  }
}
