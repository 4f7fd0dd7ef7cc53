package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.eval.LabelledFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The anchors that let a cue skip its pattern never change a result: on every labelled text we
 * have (jailbreaks, hand-written and GCG attacks, DAN templates, ordinary questions and model
 * answers), each cue's prefiltered match equals its pattern run on the text.
 */
class InjectionAnchorsTest {

  @Test
  void anchorsSkipOnlyTextsThePatternWouldNotMatch() throws Exception {
    Path data = TestData.guardrails();
    List<String> texts = new ArrayList<>();
    try (Stream<Path> files = Files.walk(data.resolve("injection"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.endsWith("attack-info.json")).sorted().toList()) {
        LabelledFiles.json(f, true).forEach(t -> texts.add(t.text()));
      }
    }
    LabelledFiles.csv(data.resolve("benign/xstest_prompts.csv"), "prompt", "", Set.of()).forEach(t -> texts.add(t.text()));
    LabelledFiles.csv(data.resolve("refusal/xstest_v2_completions_gpt4_streval.csv"), "completion", "", Set.of()).forEach(t -> texts.add(t.text()));
    int matched = 0;
    for (String text : texts) {
      String lower = text.toLowerCase(Locale.ROOT);
      for (PromptInjection.Cue c : PromptInjection.CUES) {
        boolean full = c.pattern().matcher(lower).find();
        assertThat(c.matches(lower)).as("cue %s on: %s", c.family(), text.length() > 200 ? text.substring(0, 200) : text).isEqualTo(full);
        matched += full ? 1 : 0;
      }
    }
    assertThat(texts).hasSizeGreaterThan(2000);
    assertThat(matched).as("the check saw many matches, not only misses").isGreaterThan(1000);
  }
}
