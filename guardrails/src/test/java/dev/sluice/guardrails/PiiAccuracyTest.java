package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.eval.LabelledFiles;
import dev.sluice.testkit.eval.SpanExample;
import dev.sluice.testkit.eval.SpanScores;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PII detection against presidio-research's labelled spans. */
class PiiAccuracyTest {

  static final Map<String, PiiEntity> GOLD = Map.of("EMAIL_ADDRESS", PiiEntity.EMAIL, "CREDIT_CARD", PiiEntity.CREDIT_CARD,
      "IBAN_CODE", PiiEntity.IBAN, "IP_ADDRESS", PiiEntity.IP_ADDRESS, "US_SSN", PiiEntity.US_SSN, "PHONE_NUMBER", PiiEntity.PHONE);

  /** The detector's matches as the span scorer takes them. */
  static List<SpanScores.Found<PiiEntity>> found(PiiDetector detector, String text) {
    return detector.find(text).stream().map(m -> new SpanScores.Found<>(m.entity(), m.start(), m.end())).toList();
  }

  @Test
  void precisionAndRecallAreAtLeast95PercentForEachEntity() throws Exception {
    List<SpanExample> data = LabelledFiles.presidio(TestData.guardrails().resolve("pii/generated_small.json"));
    PiiDetector detector = new PiiDetector();
    Map<PiiEntity, SpanScores> scores = SpanScores.of(data, text -> found(detector, text), GOLD::get,
        List.of(PiiEntity.EMAIL, PiiEntity.CREDIT_CARD, PiiEntity.IP_ADDRESS, PiiEntity.US_SSN, PiiEntity.PHONE, PiiEntity.IBAN));
    for (PiiEntity e : List.of(PiiEntity.EMAIL, PiiEntity.CREDIT_CARD, PiiEntity.IP_ADDRESS, PiiEntity.US_SSN, PiiEntity.PHONE)) {
      SpanScores c = scores.get(e);
      System.out.println(e + " " + c);
      assertThat(c.gold()).as("gold spans of %s", e).isPositive();
      assertThat(c.precision()).as("precision of %s", e).isGreaterThanOrEqualTo(0.95);
      assertThat(c.recall()).as("recall of %s", e).isGreaterThanOrEqualTo(0.95);
    }
    // no IBAN in this file: none may be claimed
    assertThat(scores.get(PiiEntity.IBAN).wrong()).isZero();
  }
}
