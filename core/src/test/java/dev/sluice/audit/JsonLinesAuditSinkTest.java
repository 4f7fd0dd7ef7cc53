package dev.sluice.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.model.ChatRequest;
import dev.sluice.release.Variant;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every call's event reaches the file as one whole JSON line, under concurrency and across rotations. */
class JsonLinesAuditSinkTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static Sluice sluice(AuditSink audit) {
    return Sluice.builder()
        .route(Route.builder("r").baseline(Variant.builder("v1")
            .client(SimulatedModelClient.builder().seed(1).noLatency().text("Open Settings, then Security.").build())
            .model("gpt-4o-mini").build()).build())
        .meterRegistry(new SimpleMeterRegistry())
        .auditSink(audit)
        .build();
  }

  /** Every line of the file and its rotated siblings, oldest first, each parsed. */
  static List<JsonNode> lines(Path file) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> siblings = Files.list(file.getParent())) {
      siblings.filter(p -> p.getFileName().toString().startsWith(file.getFileName().toString())).forEach(files::add);
    }
    files.sort((a, b) -> Integer.compare(number(b, file), number(a, file)));
    List<JsonNode> out = new ArrayList<>();
    for (Path p : files) {
      String text = Files.readString(p);
      assertThat(text).as(p + " ends with a whole line").endsWith("\n");
      for (String line : text.split("\n")) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  static int number(Path p, Path file) {
    String name = p.getFileName().toString();
    return name.equals(file.getFileName().toString()) ? 0 : Integer.parseInt(name.substring(name.lastIndexOf('.') + 1));
  }

  @Test
  void concurrentCallsEachWriteOneWholeLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("audit/sluice.jsonl");
    try (JsonLinesAuditSink audit = JsonLinesAuditSink.to(file); Sluice sluice = sluice(audit)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 250; i++) {
            sluice.call("r", ChatRequest.ofUser("question " + i), Subject.of("user-" + thread + "-" + i));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    List<JsonNode> events = lines(file);
    assertThat(events).hasSize(2000);
    Set<String> ids = new HashSet<>();
    events.forEach(e -> ids.add(e.path("callId").asText()));
    assertThat(ids).as("every call once").hasSize(2000);
    assertThat(events).allSatisfy(e -> assertThat(e.path("route").asText()).isEqualTo("r"));
  }

  @Test
  void rotationKeepsTheNewestFilesAndSplitsNoLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sluice.jsonl");
    int calls = 1200;
    try (JsonLinesAuditSink audit = JsonLinesAuditSink.builder(file).maxFileBytes(64 * 1024).keepFiles(50).build();
        Sluice sluice = sluice(audit)) {
      for (int i = 0; i < calls; i++) {
        sluice.call("r", ChatRequest.ofUser("question " + i), Subject.of("u" + i));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.count()).as("rotated at least once").isGreaterThan(2);
    }
    assertThat(Files.size(file)).isLessThanOrEqualTo(64 * 1024);
    assertThat(lines(file)).hasSize(calls);
  }

  @Test
  void onlyKeepFilesRotatedFilesAreKept(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sluice.jsonl");
    try (JsonLinesAuditSink audit = JsonLinesAuditSink.builder(file).maxFileBytes(64 * 1024).keepFiles(2).build();
        Sluice sluice = sluice(audit)) {
      for (int i = 0; i < 1500; i++) {
        sluice.call("r", ChatRequest.ofUser("question " + i), Subject.of("u" + i));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("sluice.jsonl", "sluice.jsonl.1", "sluice.jsonl.2");
    }
  }

  @Test
  void aClosedSinkRefusesAndAFailedWriteNamesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sluice.jsonl");
    JsonLinesAuditSink audit = JsonLinesAuditSink.to(file);
    List<AuditEvent> one = new ArrayList<>();
    try (Sluice sluice = sluice(one::add)) {
      sluice.call("r", ChatRequest.ofUser("q"), Subject.of("u"));
    }
    audit.close();
    assertThatThrownBy(() -> audit.accept(one.get(0))).isInstanceOf(IllegalStateException.class).hasMessageContaining(file.toString());
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(file).maxFileBytes(10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxFileBytes");
  }
}
