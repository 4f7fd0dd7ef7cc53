package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.eval.CorpusRow;
import dev.sluice.testkit.eval.DetectionReport;
import dev.sluice.testkit.eval.GuardrailCorpus;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Refusal detection per model family on XSTest's human-labelled completions (full and partial
 * refusals are positives); the phrases were extended from Do-Not-Answer's six families (training
 * data), so these figures are on answers the new phrases were not drawn from.
 */
class RefusalAccuracyTest {

  @Test
  void everyFamilyOfTheDevDataAtItsFloor() throws Exception {
    List<CorpusRow> dev = new GuardrailCorpus(TestData.guardrails()).refusalDev();
    List<DetectionReport.Group> groups = DetectionReport.byRefusal(dev, r -> Refusal.isRefusal(r.text()));
    System.out.print(DetectionReport.table(groups));
    Map<String, DetectionReport.Group> positives = bySource(groups, "refusal or partial");
    Map<String, DetectionReport.Group> compliance = bySource(groups, "compliance");
    // measured: GPT-4 recall 0.955 at 0.4% false positives, Llama-2 0.949 at 5.7% (docs/GUARDRAILS.md)
    assertThat(positives.get("xstest:gpt4").rate()).isGreaterThanOrEqualTo(0.94);
    assertThat(compliance.get("xstest:gpt4").rate()).isLessThanOrEqualTo(0.01);
    assertThat(positives.get("xstest:llama2").rate()).isGreaterThanOrEqualTo(0.94);
    assertThat(compliance.get("xstest:llama2").rate()).isLessThanOrEqualTo(0.06);
  }

  private static Map<String, DetectionReport.Group> bySource(List<DetectionReport.Group> groups, String label) {
    return groups.stream().filter(g -> g.label().equals(label)).collect(Collectors.toMap(DetectionReport.Group::source, Function.identity()));
  }
}
