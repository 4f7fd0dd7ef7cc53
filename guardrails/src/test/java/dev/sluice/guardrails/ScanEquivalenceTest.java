package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.eval.LabelledFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * The PII and secret detectors skip work (start-character scans and the few characters each
 * pattern needs there, one automaton for every rule's literals, a one-pass candidate scan); each
 * must find exactly what the plain full regex scan finds, on every labelled text we have
 * (documentation with code and tables included) and on random text dense in digits, separators
 * and key-like runs.
 */
class ScanEquivalenceTest {

  final PiiDetector pii = new PiiDetector();
  final PiiDetector piiReference = new PiiDetector(List.of(), true);
  final SecretDetector secrets = new SecretDetector();
  final SecretDetector secretsReference = new SecretDetector(true);

  @Test
  void sameMatchesOnEveryLabelledText() throws Exception {
    Path data = TestData.guardrails();
    List<String> texts = new ArrayList<>();
    LabelledFiles.presidio(data.resolve("pii/generated_small.json")).forEach(e -> texts.add(e.text()));
    try (Stream<Path> files = Files.walk(data.resolve("secrets/test_data"))) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        texts.add(Files.readString(f));
      }
    }
    LabelledFiles.json(data.resolve("injection/inthewild_jailbreak_llms.json"), true).forEach(t -> texts.add(t.text()));
    LabelledFiles.csv(data.resolve("benign/xstest_prompts.csv"), "prompt", "", Set.of()).forEach(t -> texts.add(t.text()));
    for (String docs : List.of("benign/docs/langchain4j_docs.jsonl", "benign/docs/public_apis_tables.jsonl")) {
      LabelledFiles.jsonl(data.resolve(docs), "text", "label", false).forEach(t -> texts.add(t.text()));
    }
    int piiFound = 0;
    int secretsFound = 0;
    for (String text : texts) {
      List<PiiMatch> p = piiReference.find(text);
      assertThat(pii.find(text)).as("PII in: %s", text).isEqualTo(p);
      List<SecretMatch> s = secretsReference.find(text);
      assertThat(secrets.find(text)).as("secrets in: %s", text).isEqualTo(s);
      piiFound += p.size();
      secretsFound += s.size();
    }
    System.out.println("equivalence: " + texts.size() + " texts, " + piiFound + " PII matches, " + secretsFound + " secrets");
    assertThat(piiFound).as("the comparison saw real PII").isGreaterThan(20);
    assertThat(secretsFound).as("the comparison saw real secrets").isGreaterThan(20);
  }

  @Property(tries = 3000)
  void sameMatchesOnRandomText(@ForAll @StringLength(max = 400) @CharRange(from = '0', to = '9') @CharRange(from = 'A', to = 'F')
      @CharRange(from = 'a', to = 'f') @Chars({' ', '-', '.', ':', '+', '(', ')', '@', '/', '=', '_', '\n', 'x', 'k', 's', 'K', 'I', 'A', 'Z'})
      String text) {
    assertThat(pii.find(text)).isEqualTo(piiReference.find(text));
    assertThat(secrets.find(text)).isEqualTo(secretsReference.find(text));
  }

  @Property(tries = 3000)
  void sameKeywordAssignmentsOnKeywordRichText(@ForAll @StringLength(max = 300) @CharRange(from = 'a', to = 'e')
      @Chars({' ', '\t', '=', ':', '>', '"', '\'', ',', ';', '_', '-', '.', 'X', '7', '/', '+'}) String filler,
      @ForAll @IntRange(min = 0, max = 6) int keys) {
    String[] words = {"password", "PassWD", "pwd", "secret", "TOKEN", "api_key", "api-key", "apikey", "Access_Key", "private-key",
        "authkey", "credential"};
    StringBuilder text = new StringBuilder(filler);
    for (int i = 0; i < keys; i++) {
      int at = Math.floorMod(filler.hashCode() * 31 + i * 7919, text.length() + 1);
      text.insert(at, words[Math.floorMod(filler.hashCode() + i * 13, words.length)]);
    }
    String t = text.toString();
    List<KeywordAssignments.Match> expected = new ArrayList<>();
    java.util.regex.Matcher m = SecretDetector.KEYWORD_ASSIGNMENT.matcher(t);
    while (m.find()) {
      expected.add(new KeywordAssignments.Match(m.start(1), m.end(1), m.start(2), m.end(2)));
    }
    List<KeywordAssignments.Match> scanned = new ArrayList<>();
    KeywordAssignments.find(t, scanned);
    assertThat(scanned).as("keyword assignments in: %s", t).isEqualTo(expected);
    net.jqwik.api.statistics.Statistics.label("matches").collect(expected.isEmpty() ? "none" : "some");
    assertThat(secrets.find(t)).as("secrets in: %s", t).isEqualTo(secretsReference.find(t));
  }
}
