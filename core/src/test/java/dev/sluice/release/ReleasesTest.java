package dev.sluice.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Fixtures.EchoModel;
import dev.sluice.Releases;
import dev.sluice.ReleaseDefinition;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.audit.AuditEvent;
import dev.sluice.audit.AuditSink;
import dev.sluice.model.ClientResolver;
import dev.sluice.model.ChatRequest;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageGate;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Releases published to a running Sluice: each becomes the candidate under the route's plan, one at
 * a time; promotion makes it the baseline, a rollback keeps it marked, any earlier release comes
 * back in one call; every change is an audit event with who, when and why.
 */
class ReleasesTest {

  final ManualTimeSource time = new ManualTimeSource();
  final EchoModel v7Model = EchoModel.answering("from v7", 10, 5);
  final EchoModel v9Model = EchoModel.answering("from v9", 10, 5);
  final EchoModel v10Model = EchoModel.answering("from v10", 10, 5);
  final ClientResolver clients = ClientResolver.of(Map.of("v9", v9Model, "v10", v10Model));
  final List<ReleaseEvent> audited = new CopyOnWriteArrayList<>();

  static final RolloutPlan PLAN = RolloutPlan.builder("support", "next").stage(Stage.offlineGate()).stage(Stage.canary(1))
      .stage(Stage.percent(50)).stage(Stage.full()).build();

  static String release(String id, String client, String prompt, String promptVersion) {
    return "route: support\nid: " + id + "\nmodel: gpt-4.1-mini\nclient: {ref: " + client + "}\nsystem_prompt: \"" + prompt
        + "\"\nlabels: {prompt_version: " + promptVersion + "}\n";
  }

  Sluice sluice(Releases.OnChangedPrompt policy) {
    Variant v7 = Variant.builder("v7").client(v7Model).model("gpt-4o-mini").systemPrompt("You are Acme's support assistant.")
        .labels(VersionLabels.builder().promptVersion("support-v7").build()).build();
    return Sluice.builder().route(Route.builder("support").baseline(v7).releasePlan(PLAN).build())
        .timeSource(time).stageGate(StageGate.MANUAL).releaseClients(clients).onChangedPrompt(policy)
        .auditSink(new AuditSink() {
          @Override
          public void accept(AuditEvent event) {}

          @Override
          public void acceptRelease(ReleaseEvent event) {
            audited.add(event);
          }
        }).build();
  }

  @Test
  void publishingMakesTheReleaseTheCandidateFromThePlansFirstStage() {
    try (Sluice sluice = sluice(Releases.OnChangedPrompt.REFUSE)) {
      ReleaseEvent e = sluice.releases().publish(ReleaseDefinition.parse(release("v9", "v9", "Be brief.", "support-v9")), "ana",
          "shorter answers");
      assertThat(e.kind()).isEqualTo("published");
      assertThat(e.fingerprint()).isEqualTo(sluice.route("support").variant("v9").fingerprint());
      assertThat(sluice.route("support").candidate().orElseThrow().id()).isEqualTo("v9");
      assertThat(sluice.route("support").baseline().id()).isEqualTo("v7");
      assertThat(sluice.rollout("support").stage().name()).as("the offline gate first").isEqualTo("offline-gate");
      assertThat(sluice.rollout("support").plan().salt()).as("its own subjects and evidence").isEqualTo("support.v9");
      assertThat(audited).singleElement().satisfies(a -> {
        assertThat(a.who()).isEqualTo("ana");
        assertThat(a.why()).isEqualTo("shorter answers");
        assertThat(a.toJson()).contains("\"event\":\"release\"", "\"kind\":\"published\"", "\"prompt_version\":\"support-v9\"");
      });
      // Before its gate the candidate gets no traffic: calls are still v7's.
      assertThat(sluice.call("support", ChatRequest.ofUser("hi"), Subject.of("u1")).variantId()).isEqualTo("v7");
    }
  }

  @Test
  void aSecondCandidateWaitsForTheFirstToEnd() {
    try (Sluice sluice = sluice(Releases.OnChangedPrompt.REFUSE)) {
      sluice.releases().publish(ReleaseDefinition.parse(release("v9", "v9", "Be brief.", "support-v9")), "ana", "first");
      assertThatThrownBy(() -> sluice.releases().publish(ReleaseDefinition.parse(release("v10", "v10", "Be kind.", "support-v10")),
          "bo", "second"))
          .isInstanceOfSatisfying(ReleaseRefusedException.class, r -> assertThat(r.waits()).isTrue())
          .hasMessageContaining("release 'v9' is rolling out");
      assertThat(sluice.route("support").candidate().orElseThrow().id()).isEqualTo("v9");

      sluice.rollout("support").rollback("oncall", "answers too short");
      time.advance(Duration.ZERO);
      assertThat(sluice.releases().releases("support")).containsEntry("v9", "rolled_back");
      assertThatThrownBy(() -> sluice.releases().publish(ReleaseDefinition.parse(release("v9", "v9", "Be brief.", "support-v9")), "ana",
          "once more")).isInstanceOf(ReleaseRefusedException.class).hasMessageContaining("published before and is not serving now (rolled_back)");
      sluice.releases().publish(ReleaseDefinition.parse(release("v10", "v10", "Be kind.", "support-v10")), "bo", "second");
      assertThat(sluice.route("support").candidate().orElseThrow().id()).isEqualTo("v10");
      assertThat(sluice.rollout("support").state().rolledBack()).as("v10's rollout is its own, not v9's").isFalse();
      assertThat(sluice.releases().history("support")).extracting(ReleaseEvent::kind)
          .containsExactly("published", "refused", "rolled_back", "refused", "published");
    }
  }

  @Test
  void reachingTheFullStagePromotesTheReleaseToBaseline() {
    try (Sluice sluice = sluice(Releases.OnChangedPrompt.REFUSE)) {
      sluice.releases().publish(ReleaseDefinition.parse(release("v9", "v9", "Be brief.", "support-v9")), "ana", "shorter");
      for (int i = 0; i < 3; i++) {
        sluice.rollout("support").forceAdvance("ana", "looks fine");
      }
      time.advance(Duration.ZERO);
      Route route = sluice.route("support");
      assertThat(route.baseline().id()).isEqualTo("v9");
      assertThat(route.candidate()).isEmpty();
      assertThat(route.variants()).containsKeys("v7", "v9");
      assertThat(sluice.releases().releases("support")).containsEntry("v9", "baseline").containsEntry("v7", "configured");
      assertThat(sluice.call("support", ChatRequest.ofUser("hi"), Subject.of("u1")).text()).isEqualTo("from v9");
      assertThat(audited).extracting(ReleaseEvent::kind).containsExactly("published", "promoted");
      assertThat(audited.get(1).who()).isEqualTo("ana");
    }
  }

  @Test
  void rollbackToAnyEarlierReleaseIsOneCall() {
    try (Sluice sluice = sluice(Releases.OnChangedPrompt.REFUSE)) {
      sluice.releases().publish(ReleaseDefinition.parse(release("v9", "v9", "Be brief.", "support-v9")), "ana", "shorter");
      sluice.rollout("support").recordGate(GateReportFixture.passing(sluice.route("support").variant("v9")), "ci");
      sluice.rollout("support").forceAdvance("ana", "canary");
      ReleaseEvent back = sluice.releases().rollbackTo("support", "v7", "oncall", "INC-4711");
      assertThat(back.kind()).isEqualTo("rolled_back_to");
      assertThat(sluice.route("support").baseline().id()).isEqualTo("v7");
      assertThat(sluice.route("support").candidate()).isEmpty();
      for (int i = 0; i < 50; i++) {
        assertThat(sluice.call("support", ChatRequest.ofUser("hi"), Subject.of("u" + i)).variantId()).isEqualTo("v7");
      }
      assertThat(sluice.releases().history("support")).extracting(ReleaseEvent::kind)
          .containsExactly("published", "rolled_back", "rolled_back_to");
      assertThat(sluice.releases().releases("support")).containsEntry("v9", "rolled_back");
      assertThatThrownBy(() -> sluice.releases().rollbackTo("support", "v3", "oncall", "typo"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never had release 'v3'");
    }
  }

  @Test
  void aChangedPromptUnderAnOldVersionIsRefusedOrGetsADerivedVersion() {
    String edited = release("v9", "v9", "You are Acme's support assistant. Be brief.", "support-v7");
    try (Sluice sluice = sluice(Releases.OnChangedPrompt.REFUSE)) {
      assertThatThrownBy(() -> sluice.releases().publish(ReleaseDefinition.parse(edited), "ana", "tweak"))
          .isInstanceOf(ReleaseRefusedException.class)
          .hasMessageContaining("promptVersion 'support-v7'")
          .hasMessageContaining(sluice.route("support").baseline().promptFingerprint());
      assertThat(sluice.route("support").candidate()).isEmpty();
    }
    try (Sluice sluice = sluice(Releases.OnChangedPrompt.DERIVE_VERSION)) {
      sluice.releases().publish(ReleaseDefinition.parse(edited), "ana", "tweak");
      Variant v9 = sluice.route("support").candidate().orElseThrow();
      assertThat(v9.labels().promptVersion()).contains("support-v7:" + v9.promptFingerprint().substring(0, 8));
      // The same document again is the same release: nothing happens.
      sluice.releases().publish(ReleaseDefinition.parse(edited), "ana", "tweak again");
      assertThat(sluice.releases().history("support")).hasSize(1);
    }
  }

  @Test
  void aReleaseIdNamesOneContentForGood() {
    try (Sluice sluice = sluice(Releases.OnChangedPrompt.REFUSE)) {
      ReleaseDefinition v9 = ReleaseDefinition.parse(release("v9", "v9", "Be brief.", "support-v9"));
      ReleaseEvent first = sluice.releases().publish(v9, "ana", "shorter");
      assertThat(sluice.releases().publish(v9, "ana", "again")).isEqualTo(first);
      assertThatThrownBy(() -> sluice.releases().publish(ReleaseDefinition.parse(release("v9", "v9", "Be very brief.", "support-v9b")),
          "ana", "edit")).isInstanceOf(ReleaseRefusedException.class).hasMessageContaining("already names other content");
    }
  }

  @Test
  void aReleaseMayAskForAResponseFormatWhichIsPartOfItsContent() {
    String plain = release("v9", "v9", "Answer in JSON.", "support-v9");
    String schema = plain + "response_format: {type: json_schema, name: answer, schema: {type: object, required: [answer]}}\n";
    try (Sluice sluice = sluice(Releases.OnChangedPrompt.REFUSE)) {
      Variant withFormat = ReleaseDefinition.parse(schema).variant(clients, time, name -> null);
      Variant without = ReleaseDefinition.parse(plain).variant(clients, time, name -> null);
      assertThat(withFormat.promptFingerprint()).isNotEqualTo(without.promptFingerprint());
      ChatRequest sent = withFormat.prepare(ChatRequest.ofUser("hi"));
      assertThat(sent.responseFormat().type()).isEqualTo(dev.sluice.model.ResponseFormat.Type.JSON_SCHEMA);
      assertThat(sent.responseFormat().schema()).contains("\"required\":[\"answer\"]");
      assertThat(withFormat.prepare(ChatRequest.builder().user("hi").responseFormat(dev.sluice.model.ResponseFormat.JSON_OBJECT).build())
          .responseFormat()).as("the application's own request wins").isEqualTo(dev.sluice.model.ResponseFormat.JSON_OBJECT);
      assertThatThrownBy(() -> ReleaseDefinition.parse(plain + "response_format: {type: yaml}\n").variant(clients, time, name -> null))
          .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("response_format.type");
      sluice.releases().publish(ReleaseDefinition.parse(schema), "ana", "structured answers");
      assertThat(sluice.route("support").candidate().orElseThrow().responseFormat()).isPresent();
    }
  }

  /** With a golden set on the route, publishing runs the offline gate: a pass opens the rollout, a failure rolls it back. */
  @Test
  void aRouteWithAGoldenSetGatesEachPublishedReleaseItself() {
    for (boolean passes : new boolean[] {true, false}) {
      audited.clear();
      dev.sluice.rollout.GoldenCase c = new dev.sluice.rollout.GoldenCase("hello", ChatRequest.ofUser("hello"),
          passes ? null : "from v7", List.of("from"), null, null, 0, 0);
      Variant v7 = Variant.builder("v7").client(v7Model).model("gpt-4o-mini").labels(VersionLabels.builder().promptVersion("support-v7").build())
          .build();
      try (Sluice sluice = Sluice.builder().route(Route.builder("support").baseline(v7).releasePlan(PLAN)
              .goldenSet(new dev.sluice.rollout.GoldenSet(List.of(c, c), 0.9, 0.0)).build())
          .timeSource(time).stageGate(StageGate.MANUAL).releaseClients(clients).auditSink(new AuditSink() {
            @Override
            public void accept(AuditEvent event) {}

            @Override
            public void acceptRelease(ReleaseEvent event) {
              audited.add(event);
            }
          }).build()) {
        sluice.releases().publish(ReleaseDefinition.parse(release("v9", "v9", "Be brief.", "support-v9")), "ana", "shorter");
        time.runDue();
        dev.sluice.RolloutControl rollout = sluice.rollout("support");
        assertThat(rollout.history()).anySatisfy(e -> {
          assertThat(e.kind()).isEqualTo("gate");
          assertThat(e.who()).isEqualTo("sluice");
        });
        assertThat(rollout.state().gatePassed()).isEqualTo(passes);
        assertThat(rollout.state().rolledBack()).isEqualTo(!passes);
        time.runDue();
        assertThat(audited).extracting(ReleaseEvent::kind).containsExactlyElementsOf(passes ? List.of("published")
            : List.of("published", "rolled_back"));
      }
    }
  }

  @Test
  void aGateThatDoesNotFinishInTimeRollsTheReleaseBack() {
    dev.sluice.ScriptedModel silent = ReleaseSwapTest.held(time);
    dev.sluice.rollout.GoldenCase c = new dev.sluice.rollout.GoldenCase("hello", ChatRequest.ofUser("hello"), null, List.of(), null, null,
        0, 0);
    Variant v7 = Variant.builder("v7").client(v7Model).model("gpt-4o-mini").build();
    try (Sluice sluice = Sluice.builder().route(Route.builder("support").baseline(v7).releasePlan(PLAN)
            .goldenSet(new dev.sluice.rollout.GoldenSet(List.of(c), 0.9, 0.0, Duration.ofMinutes(2))).build())
        .timeSource(time).stageGate(StageGate.MANUAL).releaseClients(ClientResolver.of(Map.of("v9", silent))).build()) {
      sluice.releases().publish(ReleaseDefinition.parse(release("v9", "v9", "Be brief.", "support-v9")), "ana", "shorter");
      time.advance(Duration.ofMinutes(1));
      assertThat(sluice.rollout("support").state().rolledBack()).isFalse();
      time.advance(Duration.ofMinutes(1));
      assertThat(sluice.rollout("support").state().rolledBack()).isTrue();
      assertThat(sluice.rollout("support").state().reason()).contains("did not finish within 2m");
    }
  }

  @Test
  void aBadReleaseNamesWhatIsWrongAndChangesNothing() {
    try (Sluice sluice = sluice(Releases.OnChangedPrompt.REFUSE)) {
      assertThatThrownBy(() -> sluice.releases().publish(ReleaseDefinition.parse(release("v9", "nobody", "Be brief.", "support-v9")),
          "ana", "x")).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("client.ref");
      assertThatThrownBy(() -> ReleaseDefinition.parse("route: support\nid: v9\nmodel: m\nclient: {ref: v9}\nsystem_promt: typo\n"))
          .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("system_promt");
      assertThatThrownBy(() -> ReleaseDefinition.parse("route: support\nid: v9\nclient: {ref: v9}\n"))
          .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("model");
      assertThatThrownBy(() -> ReleaseDefinition.parse("route: support\nid: v9\nmodel: m\nclient: {ref: v9}\nsystem_prompt: \""
          + "x".repeat(ReleaseDefinition.MAX_BYTES) + "\"\n")).isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("larger than");
      assertThatThrownBy(() -> sluice.releases().publish(ReleaseDefinition.parse(release("v9", "v9", "Be brief.", "support-v9")
          .replace("route: support", "route: billing")), "ana", "x")).isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("billing");
      assertThat(sluice.route("support").candidate()).isEmpty();
    }
  }

  @Test
  void aRouteWithoutAPlanRefusesACandidateThatWouldNeverBeJudged() {
    Variant v7 = Variant.builder("v7").client(v7Model).model("gpt-4o-mini").build();
    try (Sluice sluice = Sluice.builder().route(Route.builder("support").baseline(v7).build()).timeSource(time)
        .releaseClients(clients).build()) {
      assertThatThrownBy(() -> sluice.releases().publish(ReleaseDefinition.parse(release("v9", "v9", "Be brief.", "support-v9")),
          "ana", "x")).isInstanceOf(ReleaseRefusedException.class).hasMessageContaining("no plan to roll a release out under");
      // Its own plan in the document is enough.
      sluice.releases().publish(ReleaseDefinition.parse(release("v9", "v9", "Be brief.", "support-v9")
          + "rollout: {stages: [{kind: canary, percent: 5}, {kind: full}]}\n"), "ana", "x");
      assertThat(sluice.rollout("support").plan().stages()).hasSize(2);
    }
  }

  /** Kept small: the passing gate report a test records. */
  static final class GateReportFixture {
    static dev.sluice.rollout.GateReport passing(Variant candidate) {
      return new dev.sluice.rollout.GateReport(10, 1.0, 1.0, 0, 0, 0, List.of(), true, "10/10 pass",
          dev.sluice.rollout.GateReport.identity(candidate));
    }
  }

}
