package dev.sluice.guardrails;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the labelled guardrail data is: {@code src/test/data} of this module, with its licences
 * and a MANIFEST naming the sources, so the accuracy tests run on a plain clone.
 */
final class TestData {

  private TestData() {}

  static Path guardrails() {
    // Surefire sets basedir to the module's folder; an IDE usually runs tests from it.
    Path module = Path.of(System.getProperty("basedir", "."));
    Path data = module.resolve("src/test/data").normalize();
    if (!Files.isDirectory(data)) {
      throw new IllegalStateException("labelled data not found at " + data.toAbsolutePath()
          + "; run the tests from the guardrails module (or set -Dbasedir to it)");
    }
    return data;
  }
}
