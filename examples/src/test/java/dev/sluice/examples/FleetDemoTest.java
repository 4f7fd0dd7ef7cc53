package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.examples.demo.DemoScenario;
import dev.sluice.examples.demo.RolloutDemo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a fleet (--pods 3): three Sluice instances on one Redis that the demo starts, each
 * judging its own share of the calls, end as the single instance does, and agree on the stage and
 * the spend: what Redis holds against the global cap (leased mode, every slice given back at close)
 * is what the pods' own meters say they settled.
 */
class FleetDemoTest {

  @TempDir
  Path out;

  @Test
  void aHealthyCandidateIsPromotedOnceForTheWholeFleet() throws Exception {
    RolloutDemo.Result r = RolloutDemo.run(DemoScenario.HEALTHY, out, true, 7, false, false, 3);
    assertThat(r.promoted()).as(r.reason()).isTrue();
    assertThat(r.podsAgree()).isTrue();
    assertThat(java.nio.file.Files.readString(r.report())).as("the report shows the fleet")
        .contains("<h2>Fleet</h2>", "The pods agree on the stage.", "they agree.");
    assertThat(r.decisions().stream().filter(e -> e.kind().equals("advanced")).map(e -> e.stage()))
        .as("each stage left once, by one pod").doesNotHaveDuplicates();
  }

  @Test
  void aRegressionIsRolledBackForTheWholeFleet() throws Exception {
    RolloutDemo.Result r = RolloutDemo.run(DemoScenario.ERRORS, out, true, 7, false, false, 3);
    assertThat(r.rolledBack()).as(r.reason()).isTrue();
    assertThat(r.podsAgree()).isTrue();
    assertThat(r.decisions().stream().filter(e -> e.kind().equals("rolled_back"))).as("rolled back once").hasSize(1);
  }
}
