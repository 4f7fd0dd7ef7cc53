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
 * Trying each cue's pattern only where the anchor automaton found one of its anchors never changes
 * a result: on every labelled text we have (jailbreaks, hand-written and GCG attacks, DAN
 * templates, ordinary questions, model answers, documentation with code and tables), the cues
 * found equal each cue's whole pattern searched for in the lower-cased text.
 */
class InjectionAnchorsTest {

  static int reference(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    int found = 0;
    for (int c = 0; c < PromptInjection.CUES.size(); c++) {
      if (PromptInjection.CUES.get(c).pattern().matcher(lower).find()) {
        found |= 1 << c;
      }
    }
    return found;
  }

  static List<String> labelledTexts() throws Exception {
    Path data = TestData.guardrails();
    List<String> texts = new ArrayList<>();
    try (Stream<Path> files = Files.walk(data.resolve("injection"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.endsWith("attack-info.json")).sorted().toList()) {
        LabelledFiles.json(f, true).forEach(t -> texts.add(t.text()));
      }
    }
    LabelledFiles.csv(data.resolve("benign/xstest_prompts.csv"), "prompt", "", Set.of()).forEach(t -> texts.add(t.text()));
    LabelledFiles.csv(data.resolve("refusal/xstest_v2_completions_gpt4_streval.csv"), "completion", "", Set.of()).forEach(t -> texts.add(t.text()));
    LabelledFiles.csv(data.resolve("refusal/xstest_v2_completions_llama2new_streval.csv"), "completion", "", Set.of()).forEach(t -> texts.add(t.text()));
    for (String docs : List.of("benign/docs/langchain4j_docs.jsonl", "benign/docs/public_apis_tables.jsonl")) {
      LabelledFiles.jsonl(data.resolve(docs), "text", "label", false).forEach(t -> texts.add(t.text()));
    }
    return texts;
  }

  @Test
  void anchoredMatchingFindsWhatTheWholePatternsFind() throws Exception {
    List<String> texts = labelledTexts();
    int matched = 0;
    for (String text : texts) {
      int expected = reference(text);
      assertThat(PromptInjection.cuesFound(text)).as("cues on: %s", text.length() > 200 ? text.substring(0, 200) : text)
          .isEqualTo(expected);
      matched += Integer.bitCount(expected);
    }
    assertThat(texts).hasSizeGreaterThan(3000);
    assertThat(matched).as("the check saw many matches, not only misses").isGreaterThan(2000);
  }
}
