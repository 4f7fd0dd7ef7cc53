package dev.sluice.examples;

import dev.sluice.guardrails.PiiDetector;
import dev.sluice.guardrails.PiiEntity;
import dev.sluice.guardrails.PromptInjection;
import dev.sluice.guardrails.Refusal;
import dev.sluice.guardrails.SecretDetector;
import dev.sluice.testkit.eval.LabelledFiles;
import dev.sluice.testkit.eval.LabelledText;
import dev.sluice.testkit.eval.Scores;
import dev.sluice.testkit.eval.SpanExample;
import dev.sluice.testkit.eval.SpanScores;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Runs a named detector over a labelled file and prints detection rate, false-positive rate,
 * precision and recall.
 *
 * <pre>
 * GuardrailEval injection json FILE [--negative]
 * GuardrailEval refusal csv FILE --text completion --label final_label --positive 2_full_refusal,3_partial_refusal
 * GuardrailEval injection csv FILE --text prompt --negative
 * GuardrailEval injection jsonl FILE --text text --label label
 * GuardrailEval pii presidio FILE
 * GuardrailEval injection dev DATA_DIR                   per source and role, with threshold curves (see CorpusEval)
 * GuardrailEval injection corpus FILE.jsonl...          JSON Lines with text, label, source and role
 * GuardrailEval refusal dev DATA_DIR                     per model family
 * </pre>
 */
public final class GuardrailEval {

  private GuardrailEval() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      throw new IllegalArgumentException("usage: GuardrailEval <injection|refusal|secrets|pii> <json|jsonl|csv|presidio|dev|corpus> <file...> "
          + "[--text FIELD] [--label FIELD] [--positive V1,V2] [--negative]");
    }
    String detector = args[0];
    String format = args[1];
    if (format.equals("dev") || format.equals("corpus")) {
      CorpusEval.run(detector, format, Arrays.asList(args).subList(2, args.length));
      return;
    }
    Path file = Path.of(args[2]);
    Map<String, String> opts = new java.util.HashMap<>();
    boolean negative = false;
    for (int i = 3; i < args.length; i++) {
      if (args[i].equals("--negative")) {
        negative = true;
      } else {
        opts.put(args[i], args[++i]);
      }
    }
    if (format.equals("presidio")) {
      pii(LabelledFiles.presidio(file));
      return;
    }
    List<LabelledText> data = switch (format) {
      case "json" -> LabelledFiles.json(file, !negative);
      case "jsonl" -> LabelledFiles.jsonl(file, opts.getOrDefault("--text", "text"), opts.getOrDefault("--label", "label"), !negative);
      case "csv" -> negative
          ? LabelledFiles.csv(file, opts.getOrDefault("--text", "text"), row -> false)
          : LabelledFiles.csv(file, opts.getOrDefault("--text", "text"), opts.getOrDefault("--label", ""),
              new HashSet<>(Arrays.asList(opts.getOrDefault("--positive", "1,true").split(","))));
      default -> throw new IllegalArgumentException("format must be json, jsonl, csv or presidio, not " + format);
    };
    Predicate<String> d = switch (detector) {
      case "injection" -> new PromptInjection()::isInjection;
      case "refusal" -> Refusal::isRefusal;
      case "secrets" -> t -> !new SecretDetector().find(t).isEmpty();
      case "pii" -> t -> !new PiiDetector().find(t).isEmpty();
      default -> throw new IllegalArgumentException("detector must be injection, refusal, secrets or pii, not " + detector);
    };
    System.out.println(detector + " on " + file.getFileName() + " (" + data.size() + " texts): " + Scores.of(data, d));
  }

  static void pii(List<SpanExample> data) {
    Map<String, PiiEntity> gold = Map.of("EMAIL_ADDRESS", PiiEntity.EMAIL, "CREDIT_CARD", PiiEntity.CREDIT_CARD, "IBAN_CODE",
        PiiEntity.IBAN, "IP_ADDRESS", PiiEntity.IP_ADDRESS, "US_SSN", PiiEntity.US_SSN, "PHONE_NUMBER", PiiEntity.PHONE,
        "PERSON", PiiEntity.PERSON, "ADDRESS", PiiEntity.STREET_ADDRESS);
    PiiDetector detector = new PiiDetector();
    List<PiiEntity> entities = List.of(PiiEntity.EMAIL, PiiEntity.CREDIT_CARD, PiiEntity.IBAN, PiiEntity.IP_ADDRESS, PiiEntity.US_SSN,
        PiiEntity.PHONE, PiiEntity.PERSON, PiiEntity.STREET_ADDRESS);
    SpanScores.of(data, text -> detector.find(text).stream().map(m -> new SpanScores.Found<>(m.entity(), m.start(), m.end())).toList(),
        gold::get, entities).forEach((e, s) -> System.out.printf(java.util.Locale.ROOT, "%-14s %s%n", e, s));
  }
}
