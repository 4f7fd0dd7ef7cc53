package dev.sluice.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Fixtures;
import dev.sluice.Route;
import dev.sluice.RolloutControl;
import dev.sluice.ScriptedModel;
import dev.sluice.Sluice;
import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every operator action on a rollout is an audit event with who, why and the plan's owner. */
class RolloutAuditTest {

  @TempDir
  Path dir;

  @Test
  void everyOperatorActionIsWrittenToTheAuditFileWithWhoWhyAndTheOwner() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedModel model = new ScriptedModel(time, List.of(), ScriptedModel.ok(Duration.ZERO, "ok"));
    RolloutPlan plan = RolloutPlan.builder("r", "v2").owner("support-platform").stage(Stage.canary(5)).stage(Stage.percent(50))
        .stage(Stage.full()).margin(new MetricMargin("error_rate", 0.5)).build();
    Path file = dir.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.to(file);
        Sluice s = Sluice.builder()
            .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o-mini", "p1"))
                .variant(Fixtures.variant("v2", model, "gpt-4o-mini", "p2")).rollout(plan).build())
            .timeSource(time).meterRegistry(new SimpleMeterRegistry()).auditSink(sink).build()) {
      RolloutControl r = s.rollout("r");
      r.percent(2.0, "ana", "slow down");
      r.pause("ana", "holiday");
      r.resume("ana", "back");
      r.kill(false, "oncall", "INC-1");
      r.unkill("oncall", "INC-1 resolved");
      r.pin("v1", "ana", "demo");
      r.unpin("ana", "demo over");
      r.forceAdvance("ana", "INC-2: the old prompt leaks order numbers");
      r.rollback("oncall", "complaints");
    }
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      events.add(new ObjectMapper().readTree(line));
    }
    assertThat(events).extracting(e -> e.get("kind").asText()).containsExactly("percent", "paused", "resumed", "killed", "unkilled",
        "pinned", "unpinned", "forced_advance", "rolled_back");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.get("event").asText()).isEqualTo("rollout");
      assertThat(e.get("owner").asText()).isEqualTo("support-platform");
      assertThat(e.get("route").asText()).isEqualTo("r");
      assertThat(e.get("who").asText()).isIn("ana", "oncall");
      assertThat(e.get("why").asText()).isNotBlank();
    });
    assertThat(events.get(7).get("why").asText()).contains("forced past: stage canary needs 500 candidate calls");
  }
}
