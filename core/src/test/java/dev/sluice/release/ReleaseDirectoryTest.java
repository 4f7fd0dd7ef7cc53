package dev.sluice.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures.EchoModel;
import dev.sluice.ReleaseDefinition;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.model.ClientResolver;
import dev.sluice.model.ChatRequest;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageGate;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A watched directory of release files: a running Sluice takes a new or changed file without a restart. */
class ReleaseDirectoryTest {

  @TempDir
  Path dir;

  final ManualTimeSource time = new ManualTimeSource();
  final List<ReleaseEvent> events = new CopyOnWriteArrayList<>();

  static String release(String id, String prompt) {
    return "route: support\nid: " + id + "\nmodel: gpt-4.1-mini\nclient: {ref: " + id + "}\nsystem_prompt: \"" + prompt
        + "\"\nlabels: {prompt_version: support-" + id + "}\n";
  }

  Sluice sluice() {
    Variant v7 = Variant.builder("v7").client(EchoModel.answering("from v7", 1, 1)).model("gpt-4o-mini").build();
    RolloutPlan plan = RolloutPlan.builder("support", "next").stage(Stage.canary(100)).stage(Stage.full()).build();
    ClientResolver clients = ClientResolver.of(Map.of("v9", EchoModel.answering("from v9", 1, 1), "v10", EchoModel.answering("from v10", 1, 1),
        "v11", EchoModel.answering("from v11", 1, 1)));
    return Sluice.builder().route(Route.builder("support").baseline(v7).releasePlan(plan).build()).timeSource(time)
        .stageGate(StageGate.MANUAL).releaseClients(clients).releaseDirectory(dir, Duration.ofSeconds(5)).releaseListener(events::add)
        .build();
  }

  String served(Sluice sluice) {
    return sluice.call("support", ChatRequest.ofUser("hi"), Subject.of("u1")).text();
  }

  @Test
  void aFileThereAtStartIsPublishedBeforeTheFirstCall() throws IOException {
    Files.writeString(dir.resolve("v9.yaml"), release("v9", "Be brief.") + "published_by: ana\nreason: shorter answers\n");
    try (Sluice sluice = sluice()) {
      assertThat(served(sluice)).isEqualTo("from v9");
      assertThat(events).singleElement().satisfies(e -> {
        assertThat(e.who()).isEqualTo("ana");
        assertThat(e.why()).isEqualTo("shorter answers");
      });
    }
  }

  @Test
  void newAndChangedFilesArePublishedWithoutARestartAndWaitTheirTurn() throws IOException {
    try (Sluice sluice = sluice()) {
      assertThat(served(sluice)).isEqualTo("from v7");
      Files.writeString(dir.resolve("v9.yaml"), release("v9", "Be brief."));
      Files.writeString(dir.resolve("notes.txt"), "not a release");
      time.advance(Duration.ofSeconds(5));
      assertThat(served(sluice)).isEqualTo("from v9");
      assertThat(events).singleElement().satisfies(e -> assertThat(e.who()).isEqualTo("file:v9.yaml"));

      // A second release waits while v9 rolls out, then goes out on the scan after v9 ends.
      Files.writeString(dir.resolve("v10.yaml"), release("v10", "Be kind."));
      time.advance(Duration.ofSeconds(5));
      time.advance(Duration.ofSeconds(5));
      assertThat(sluice.route("support").candidate().orElseThrow().id()).isEqualTo("v9");
      sluice.rollout("support").forceAdvance("ana", "full");
      time.advance(Duration.ofSeconds(5));
      assertThat(sluice.route("support").baseline().id()).isEqualTo("v9");
      assertThat(sluice.route("support").candidate().orElseThrow().id()).isEqualTo("v10");

      // A file edited under the same id is refused and changes nothing; it is not retried until it changes again.
      Files.writeString(dir.resolve("v10.yaml"), release("v10", "Be very kind."));
      time.advance(Duration.ofSeconds(5));
      time.advance(Duration.ofSeconds(5));
      assertThat(sluice.route("support").candidate().orElseThrow().systemPrompt()).contains("Be kind.");
      assertThat(events).extracting(ReleaseEvent::kind).containsExactly("published", "refused", "promoted", "published", "refused");
      assertThat(events.get(1).why()).as("waiting, recorded once over three scans").contains("release 'v9' is rolling out");

      // A broken file is logged and left; the next good one goes through.
      Files.writeString(dir.resolve("v11.yaml"), "route: support\nid: v11\n  model: [");
      time.advance(Duration.ofSeconds(5));
      assertThat(events).hasSize(5);
    }
  }
}
