package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Sluice;
import dev.sluice.model.ClientResolver;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.time.ManualTimeSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Releases from the configuration file: a route's release plan and a watched release directory. */
class ReleaseConfigurationTest {

  @TempDir
  Path dir;

  String config(String releases) {
    return """
        routes:
          - name: support
            variants:
              - {id: v7, model: gpt-4o-mini, client: {provider: simulated, text: from v7, latency_median: 0s}, system_prompt: Be helpful.,
                 labels: {prompt_version: support-v7}}
            release_plan:
              stages: [{kind: canary, percent: 100}, {kind: full}]
              metrics: {error_rate: 0.5}
        """ + releases;
  }

  Sluice build(String yaml, ManualTimeSource time) {
    return SluiceConfiguration.fromTree(parse(yaml), ClientResolver.none(), List.of(), time, name -> null).timeSource(time).build();
  }

  static com.fasterxml.jackson.databind.JsonNode parse(String yaml) {
    try {
      return SluiceConfiguration.parse(new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aWatchedDirectoryPublishesUnderTheRoutesReleasePlan() throws IOException {
    ManualTimeSource time = new ManualTimeSource();
    try (Sluice sluice = build(config("releases: {directory: \"" + dir.toString().replace("\\", "/") + "\", poll: 2s,"
        + " on_changed_prompt: derive_version}\n"), time)) {
      assertThat(sluice.route("support").candidate()).isEmpty();
      Files.writeString(dir.resolve("v8.json"), """
          {"route": "support", "id": "v8", "model": "gpt-4.1-mini",
           "client": {"provider": "simulated", "text": "from v8", "latency_median": "0s"},
           "system_prompt": "Be brief.", "labels": {"prompt_version": "support-v7"}}
          """);
      time.advance(Duration.ofSeconds(2));
      assertThat(sluice.route("support").candidate().orElseThrow().labels().promptVersion().orElseThrow())
          .as("a changed prompt under support-v7 gets a derived version").startsWith("support-v7:");
      assertThat(sluice.rollout("support").plan().margins()).hasSize(1);
      assertThat(sluice.rollout("support").plan().salt()).isEqualTo("support.v8");
    }
  }

  @Test
  void aGoldenSetFileGatesEachPublishedRelease() throws IOException {
    Path golden = dir.resolve("golden.jsonl");
    Files.writeString(golden, "{\"id\": \"hi\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"checks\": {\"contains\": [\"from\"]}}\n");
    String yaml = """
        routes:
          - name: support
            variants:
              - {id: v7, model: gpt-4o-mini, client: {provider: simulated, text: from v7, latency_median: 0s}}
            golden_set: {file: "%s", min_pass_rate: 1, timeout: 1m}
            release_plan:
              stages: [{kind: offline_gate}, {kind: canary, percent: 100}, {kind: full}]
              metrics: {error_rate: 0.5}
        """.formatted(golden.toString().replace("\\", "/"));
    ManualTimeSource time = new ManualTimeSource();
    try (Sluice sluice = build(yaml, time)) {
      assertThat(sluice.route("support").goldenSet().orElseThrow().cases()).hasSize(1);
      assertThat(sluice.route("support").goldenSet().orElseThrow().timeout()).isEqualTo(Duration.ofMinutes(1));
    }
    assertThatThrownBy(() -> build(config("").replace("    release_plan:\n", "    golden_set: {file: /no/such/file.jsonl}\n    release_plan:\n"),
        time)).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("routes[0].golden_set.file");
  }

  @Test
  void mistakesNameTheField() {
    ManualTimeSource time = new ManualTimeSource();
    assertThatThrownBy(() -> build(config("releases: {on_changed_prompt: shrug}\n"), time))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("releases.on_changed_prompt");
    assertThatThrownBy(() -> build(config("releases: {poll: 5s}\n"), time))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("releases.poll");
    assertThatThrownBy(() -> build(config("releases: {directory: /x, every: 5s}\n"), time))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("every");
    assertThatThrownBy(() -> build(config("").replace("release_plan:\n", "release_plan:\n      candidate: v8\n"), time))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("release_plan.candidate");
  }
}
