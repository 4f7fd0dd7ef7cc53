package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SluiceResponse;
import dev.sluice.outcome.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StreamingQuickstartTest {

  @Test
  void theStreamingExampleRunsAndEndsWithItsResponse() {
    SluiceResponse done = StreamingQuickstart.run();
    assertThat(done.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(done.text()).isEqualTo("Happy to help with: How do I reset my password?");
    assertThat(done.usage().outputTokens()).isPositive();
  }

  @Test
  void theReadmeShowsTheCodeThatRuns() throws Exception {
    Path root = Path.of(System.getProperty("test.projectRoot", ".."));
    String readme = Files.readString(root.resolve("README.md"));
    String source = Files.readString(root.resolve("examples/src/main/java/dev/sluice/examples/StreamingQuickstart.java"));
    for (String marker : new String[] {"streaming", "streaming-annotation"}) {
      String snippet = source.substring(source.indexOf("// " + marker + ":begin") + marker.length() + 10,
          source.indexOf("// " + marker + ":end"));
      for (String line : snippet.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
        assertThat(readme).as("README streaming line").contains(line);
      }
    }
  }
}
