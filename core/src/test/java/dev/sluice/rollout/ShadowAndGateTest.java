package dev.sluice.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.Fixtures.Events;
import dev.sluice.Route;
import dev.sluice.ScriptedModel;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.subject.Subject;
import dev.sluice.model.ChatRequest;
import dev.sluice.pricing.PriceTable;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.time.ManualTimeSource;
import dev.sluice.time.TimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShadowAndGateTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Events events = new Events();

  Sluice shadowing(dev.sluice.model.ModelClient base, dev.sluice.model.ModelClient cand, TimeSource time, ShadowPolicy policy) {
    RolloutPlan plan = RolloutPlan.builder("r", "v2").stage(Stage.shadow(1.0)).stage(Stage.full()).build();
    return Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", base, "gpt-4o-mini", "p1"))
            .variant(Fixtures.variant("v2", cand, "gpt-4.1-mini", "p2")).rollout(plan).build())
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).shadow(policy)
        // Shadow runs start on the thread that completed the served answer, so this test thread
        // drives every shadow through the simulated clock: no waiting for another thread.
        .shadowExecutor(Runnable::run)
        .stageGate(StageGate.MANUAL).build();
  }

  @Test
  void aFailingOrHangingShadowNeverChangesOrSlowsTheCallersAnswer() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedModel base = new ScriptedModel(time, List.of(), ScriptedModel.ok(Duration.ofMillis(100), "served"));
    ScriptedModel cand = new ScriptedModel(time, List.of(ScriptedModel.fail(Duration.ZERO, 500)), ScriptedModel.hang());
    Sluice s = shadowing(base, cand, time, new ShadowPolicy(2, 4, Duration.ofSeconds(5), 0, null));

    for (int i = 0; i < 20; i++) {
      var f = s.callAsync("r", ChatRequest.ofUser("q" + i), Subject.of("u" + i));
      time.advance(Duration.ofMillis(100));
      SluiceResponse r = f.get(5, TimeUnit.SECONDS);
      assertThat(r.text()).isEqualTo("served");
      assertThat(r.variantId()).isEqualTo("v1");
      assertThat(r.latency()).isEqualTo(Duration.ofMillis(100));
    }
    // The first shadow fails at once (a 500) and frees its permit; the next two hang and hold the cap
    // of 2; the other 17 are dropped, not waited for.
    ShadowStats st = s.rollout("r").shadowStats();
    assertThat(st.failures()).isEqualTo(1);
    assertThat(st.dropped()).as("hanging shadows fill the cap; later ones are dropped, not waited for").isEqualTo(17);
    time.advance(Duration.ofSeconds(6));
    st = s.rollout("r").shadowStats();
    assertThat(st.failures() + st.dropped()).as("every shadow is counted: dropped, or failed by 500 or timeout").isEqualTo(20);
    assertThat(st.failures()).as("the 500 and both timed-out hanging shadows").isEqualTo(3);
    assertThat(st.candidateRuns()).isZero();
  }

  @Test
  void aStreamedCallDuringShadowIsNeverHeldByItsHangingShadow() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedModel base = new ScriptedModel(time, List.of(), ScriptedModel.ok(Duration.ofMillis(100), "served"));
    ScriptedModel cand = new ScriptedModel(time, List.of(), ScriptedModel.hang());
    Sluice s = shadowing(base, cand, time, new ShadowPolicy(2, 4, Duration.ofSeconds(5), 0, null));

    dev.sluice.streaming.ChunkReader<dev.sluice.model.ChatChunk> reader = dev.sluice.streaming.ChunkReader.all();
    dev.sluice.SluiceStream stream = s.stream("r", ChatRequest.ofUser("q"), Subject.of("u"));
    stream.subscribe(reader);
    time.advance(Duration.ofMillis(100));

    assertThat(reader.complete).as("the stream ended while its shadow still hangs").isTrue();
    assertThat(reader.text()).isEqualTo("served");
    assertThat(stream.response().get(1, TimeUnit.SECONDS).latency()).isEqualTo(Duration.ofMillis(100));
    time.advance(Duration.ofSeconds(6));
    assertThat(s.rollout("r").shadowStats().failures()).as("the shadow ran, and timed out on its own").isEqualTo(1);
  }

  @Test
  void shadowAnswersAreComparedAboveTheNoiseFloor() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    var base = SimulatedModelClient.builder().seed(1).timeSource(time).noLatency()
        .responder(r -> "To reset your password open Settings then Security").build();
    var cand = SimulatedModelClient.builder().seed(2).timeSource(time).noLatency().responder(r -> "Please contact support by phone").build();
    Sluice s = shadowing(base, cand, time, new ShadowPolicy(1000, 1000, Duration.ofSeconds(5), 0.3, null));
    for (int i = 0; i < 200; i++) {
      s.call("r", ChatRequest.ofUser("reset?"), Subject.of("u" + i));
    }
    ShadowStats st = s.rollout("r").shadowStats();
    assertThat(st.candidateRuns() + st.noiseRuns()).as("every sampled call ran its shadow; none was dropped").isEqualTo(200);
    assertThat(st.noiseRuns()).isGreaterThan(20);
    assertThat(st.meanNoiseSimilarity()).isEqualTo(1.0);
    assertThat(st.meanCandidateSimilarity()).isLessThan(0.2);
    assertThat(st.exactMatchRate()).isZero();
    assertThat(st.differences()).isPositive();
    assertThat(s.rollout("r").candidateCallsInStage()).as("shadow runs are the shadow stage's exposure").isEqualTo(st.candidateRuns());
    assertThat(registry.get("sluice.shadow.similarity").tag("comparison", "candidate").summary().count()).isEqualTo(st.candidateRuns());
  }

  @Test
  void jsonStructureMatchesWhenKeysAndTypesAgree() {
    assertThat(ShadowComparison.of("{\"a\":1,\"b\":[\"x\"]}", "{\"b\":[\"y\",\"z\"],\"a\":7}").jsonStructure()).isTrue();
    assertThat(ShadowComparison.of("{\"a\":1}", "{\"a\":\"1\"}").jsonStructure()).isFalse();
    assertThat(ShadowComparison.of("not json", "not json").exact()).isTrue();
    assertThat(ShadowComparison.similarity("Open Settings, then Security.", "open settings then security")).isEqualTo(1.0);
  }

  @Test
  void theOfflineGateBlocksACandidateThatFailsItsChecks() throws Exception {
    String golden = """
        {"id": "reset", "messages": [{"role": "user", "content": "How do I reset my password?"}], "checks": {"contains": ["Settings"], "regex": "(?i)password"}}
        {"id": "json", "messages": [{"role": "user", "content": "ticket as JSON"}], "checks": {"json_schema": {"type": "object", "required": ["answer"]}}}
        {"id": "short", "messages": [{"role": "user", "content": "be brief"}], "checks": {"max_tokens": 500}}
        """;
    List<GoldenCase> cases = GoldenCase.readJsonl(new ByteArrayInputStream(golden.getBytes(StandardCharsets.UTF_8)));
    var good = SimulatedModelClient.builder().outputTokens(50, 60)
        .responder(r -> r.lastUserText().contains("JSON") ? "{\"answer\": \"Open Settings to reset your password\"}"
            : "Open Settings to reset your password").build();
    var bad = SimulatedModelClient.builder().outputTokens(50, 60).text("I cannot help with that.").build();
    var baseline = Fixtures.variant("v1", good, "gpt-4o-mini", "p1");
    var candidate = Fixtures.variant("v2", bad, "gpt-4.1-mini", "p2");
    OfflineGate gate = new OfflineGate(0.9, 0.0, TimeSource.system(), PriceTable.bundled());

    GateReport report = gate.run(baseline, candidate, cases);

    assertThat(report.passed()).isFalse();
    assertThat(report.baselinePassRate()).isEqualTo(1.0);
    assertThat(report.candidatePassRate()).isEqualTo(1.0 / 3);
    assertThat(report.failures()).extracting(GateReport.Failure::caseId).containsExactly("reset", "json");
    assertThat(report.failures().get(0).failedChecks()).contains("contains 'Settings'", "regex");
    assertThat(report.failures().get(1).failedChecks().get(0)).startsWith("json_schema");
    assertThat(report.failures().get(0).baselineAnswer()).contains("Settings");

    GateReport same = gate.run(baseline, Fixtures.variant("v3", good, "gpt-4.1-mini", "p3"), cases);
    assertThat(same.passed()).isTrue();
    assertThat(same.summary()).contains("candidate passed 3/3");
  }
}
