package dev.sluice.examples;

import dev.sluice.guardrails.PromptInjection;
import dev.sluice.guardrails.Refusal;
import dev.sluice.testkit.eval.CorpusRow;
import dev.sluice.testkit.eval.DetectionReport;
import dev.sluice.testkit.eval.GuardrailCorpus;
import dev.sluice.testkit.eval.LabelledFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The injection and refusal detectors on JSON Lines rows with a role ({@code text}, {@code label},
 * {@code source}, {@code role}): the share of each source flagged at the shipped thresholds, each
 * row judged for its role, with 95% intervals, and the injection detector's threshold curves
 * (recall at 0.5%, 1% and 2% false positives). Markdown on standard output.
 *
 * <pre>
 * GuardrailEval injection dev guardrails/src/test/data      the dev split (MANIFEST) and the older sets
 * GuardrailEval injection corpus FILE.jsonl [FILE.jsonl...] any files in the corpus format
 * GuardrailEval refusal dev guardrails/src/test/data        XSTest's completions per model family
 * GuardrailEval refusal corpus FILE.jsonl [FILE.jsonl...]   assistant rows: refusal and partial_refusal are positives
 * </pre>
 */
final class CorpusEval {

  private CorpusEval() {}

  static void run(String detector, String format, List<String> paths) throws IOException {
    List<CorpusRow> rows = new ArrayList<>();
    if (format.equals("dev")) {
      if (paths.size() != 1) {
        throw new IllegalArgumentException("dev takes one argument, the labelled data's folder (guardrails/src/test/data)");
      }
      GuardrailCorpus corpus = new GuardrailCorpus(Path.of(paths.get(0)));
      rows.addAll(detector.equals("refusal") ? corpus.refusalDev() : corpus.injectionDev());
    } else {
      for (String p : paths) {
        rows.addAll(LabelledFiles.corpus(Path.of(p)));
      }
    }
    switch (detector) {
      case "injection" -> injection(rows);
      case "refusal" -> refusal(rows);
      default -> throw new IllegalArgumentException("the corpus formats take the injection or refusal detector, not " + detector);
    }
  }

  private static void injection(List<CorpusRow> rows) {
    PromptInjection detector = new PromptInjection();
    System.out.println("## Prompt injection (rules and the built-in model), " + rows.size() + " rows\n");
    System.out.println(DetectionReport.table(DetectionReport.bySource(rows, r -> detector.isInjection(r.text(), r.messageRole()))));
    for (DetectionReport.Curve c : DetectionReport.injectionCurves(rows, r -> detector.score(r.text(), r.messageRole()))) {
      System.out.println(c.table());
    }
  }

  private static void refusal(List<CorpusRow> rows) {
    System.out.println("## Refusal, " + rows.size() + " rows (refusal and partial_refusal are positives)\n");
    System.out.println(DetectionReport.table(DetectionReport.byRefusal(rows, r -> Refusal.isRefusal(r.text()))));
  }
}
