package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.outcome.Outcome;
import dev.sluice.SluiceResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class QuickstartTest {

  @Test
  void theQuickstartRunsAndSaysWhatProducedTheAnswer() {
    SluiceResponse answer = Quickstart.run();

    assertThat(answer.text()).isEqualTo("Happy to help with: How do I reset my password?");
    assertThat(answer.variantId()).isEqualTo("v1");
    assertThat(answer.labels().promptVersion()).contains("support-v7");
    assertThat(answer.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(answer.cost().isKnown()).isTrue();
  }

  @Test
  void theReadmeQuickstartIsTheCodeThatRuns() throws Exception {
    Path root = Path.of(System.getProperty("test.projectRoot", ".."));
    String readme = Files.readString(root.resolve("README.md"));
    String source = Files.readString(root.resolve("examples/src/main/java/dev/sluice/examples/Quickstart.java"));
    String snippet = source.substring(source.indexOf("// quickstart:begin") + "// quickstart:begin".length(),
        source.indexOf("// quickstart:end"));
    for (String line : snippet.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
      assertThat(readme).as("README quickstart line").contains(line);
    }
  }
}
