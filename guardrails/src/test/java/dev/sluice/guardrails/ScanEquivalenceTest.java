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
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * The PII and secret detectors skip work (start-character scans, literal prefilters, a one-pass
 * candidate scan); each must find exactly what the plain full regex scan finds, on every labelled
 * text we have and on random text dense in digits, separators and key-like runs.
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
}
