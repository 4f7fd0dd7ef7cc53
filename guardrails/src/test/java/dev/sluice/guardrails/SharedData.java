package dev.sluice.guardrails;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where ../shared/data/guardrails is, from the project root Maven passes to the tests. */
final class SharedData {

  private SharedData() {}

  static Path guardrails() {
    Path root = Path.of(System.getProperty("test.projectRoot", ".."));
    Path data = root.resolve("../shared/data/guardrails").normalize();
    if (!Files.isDirectory(data)) {
      throw new IllegalStateException("labelled data not found at " + data.toAbsolutePath()
          + "; the tests expect the shared/ folder beside the project");
    }
    return data;
  }
}
