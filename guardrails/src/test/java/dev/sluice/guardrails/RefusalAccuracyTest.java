package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.eval.LabelledFiles;
import dev.sluice.testkit.eval.LabelledText;
import dev.sluice.testkit.eval.Scores;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Refusal detection against XSTest's human-labelled completions (labels 2 and 3 are refusals). */
class RefusalAccuracyTest {

  @Test
  void recallAtLeast90PercentAtMostSixPercentFalsePositivesOnEachModel() throws Exception {
    for (String model : List.of("gpt4", "llama2new")) {
      List<LabelledText> data = LabelledFiles.csv(TestData.guardrails().resolve("refusal/xstest_v2_completions_" + model + "_streval.csv"),
          "completion", "final_label", Set.of("2_full_refusal", "3_partial_refusal"));
      Scores s = Scores.of(data, Refusal::isRefusal);
      System.out.println(model + ": " + s);
      if (System.getProperty("ref.debug") != null) {
        data.stream().filter(t -> t.positive() != Refusal.isRefusal(t.text())).forEach(t ->
            System.out.println((t.positive() ? "FN " : "FP ") + t.text().substring(0, Math.min(160, t.text().length())).replace('\n', ' ')));
      }
      assertThat(s.recall()).as(model).isGreaterThanOrEqualTo(0.90);
      assertThat(s.falsePositiveRate()).as(model).isLessThanOrEqualTo(0.06);
    }
  }
}
