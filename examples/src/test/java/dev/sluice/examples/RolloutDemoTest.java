package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.examples.demo.DemoScenario;
import dev.sluice.examples.demo.RolloutDemo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every scenario of the demo ends as the README says, in reduced mode (shorter minimum stage durations). */
class RolloutDemoTest {

  @TempDir
  Path out;

  @ParameterizedTest
  @CsvSource({
      "HEALTHY, ",
      "ERRORS, fallback_rate|error_rate|slow_call_rate",
      "LATENCY, latency|slow_call_rate",
      "COST, cost|tokens",
      "QUALITY, quality",
      "FORMAT, parse_failure_rate|fallback_rate|error_rate|slow_call_rate|latency"})
  void eachScenarioEndsAsDescribed(DemoScenario scenario, String metrics) throws Exception {
    RolloutDemo.Result r = RolloutDemo.run(scenario, out, true, 7, false);
    // The candidate was not in the service's code: its release file was published while the service ran.
    assertThat(r.releases().get(0)).satisfies(e -> {
      assertThat(e.kind()).isEqualTo("published");
      assertThat(e.release()).isEqualTo("v8");
      assertThat(e.who()).isEqualTo("support-platform");
      assertThat(e.fingerprint()).matches("[0-9a-f]{16}");
    });
    if (scenario == DemoScenario.HEALTHY) {
      assertThat(r.promoted()).as(r.reason()).isTrue();
      assertThat(r.finalStage()).isEqualTo("full");
      assertThat(r.releases()).extracting(e -> e.kind()).as("promoted: v8 is the baseline").containsExactly("published", "promoted");
    } else {
      assertThat(r.releases()).extracting(e -> e.kind()).as("rolled back, kept and marked").containsExactly("published", "rolled_back");
      assertThat(r.rolledBack()).as("%s: %s", scenario, r.reason()).isTrue();
      // the judge's statistics (at a live stage, or on the shadow runs' latency and cost), or one of the plan's rollback triggers
      assertThat(r.reason()).containsPattern("^((shadow )?(" + metrics + ") regression|rollback trigger '(fallback rate|p95 latency|cost per call))");
      assertThat(r.decisions()).anyMatch(e -> e.kind().equals("rolled_back") && e.who().equals("sluice"));
    }
    String html = Files.readString(r.report());
    assertThat(html).contains("<svg").contains("Traffic share and stages").contains("Budget burn").doesNotContain("<script");
    String prom = Files.readString(r.metrics());
    assertThat(prom).contains("sluice_calls_total{").contains("gen_ai_client_operation_duration_seconds")
        .contains("sluice_rollout_decisions_total").doesNotContain("user-");
  }

  @org.junit.jupiter.api.Test
  void theSameSeedGivesTheSameRunByteForByte() throws Exception {
    RolloutDemo.Result first = RolloutDemo.run(DemoScenario.ERRORS, out.resolve("first"), true, 11, false);
    RolloutDemo.Result second = RolloutDemo.run(DemoScenario.ERRORS, out.resolve("second"), true, 11, false);
    assertThat(second.reason()).isEqualTo(first.reason());
    assertThat(second.decisions()).isEqualTo(first.decisions());
    assertThat(Files.readString(second.report())).isEqualTo(Files.readString(first.report()));
    assertThat(Files.readString(second.metrics())).isEqualTo(Files.readString(first.metrics()));
  }

  @ParameterizedTest
  @CsvSource({"HEALTHY, ", "ERRORS, fallback_rate|error_rate|slow_call_rate|time_to_first_chunk"})
  void theScenariosEndTheSameWithStreamedCalls(DemoScenario scenario, String metrics) throws Exception {
    RolloutDemo.Result r = RolloutDemo.run(scenario, out, true, 7, false, true);
    if (scenario == DemoScenario.HEALTHY) {
      assertThat(r.promoted()).as(r.reason()).isTrue();
    } else {
      assertThat(r.rolledBack()).as("%s: %s", scenario, r.reason()).isTrue();
      assertThat(r.reason()).containsPattern("^((" + metrics + ") regression|rollback trigger '(fallback rate|p95 latency|cost per call))");
    }
    assertThat(Files.readString(r.metrics())).contains("gen_ai_client_operation_time_to_first_chunk_seconds");
  }
}
