package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.eval.LabelledFiles;
import dev.sluice.testkit.eval.SpanExample;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PII detection against presidio-research's labelled spans. */
class PiiAccuracyTest {

  static final Map<String, PiiEntity> GOLD = Map.of("EMAIL_ADDRESS", PiiEntity.EMAIL, "CREDIT_CARD", PiiEntity.CREDIT_CARD,
      "IBAN_CODE", PiiEntity.IBAN, "IP_ADDRESS", PiiEntity.IP_ADDRESS, "US_SSN", PiiEntity.US_SSN, "PHONE_NUMBER", PiiEntity.PHONE);

  /** Per entity: [true positives, false positives, gold spans found, gold spans]. */
  static Map<PiiEntity, long[]> evaluate(List<SpanExample> data, PiiDetector detector) {
    Map<PiiEntity, long[]> counts = new EnumMap<>(PiiEntity.class);
    for (PiiEntity e : PiiEntity.values()) {
      counts.put(e, new long[4]);
    }
    for (SpanExample ex : data) {
      List<PiiMatch> found = detector.find(ex.text());
      for (PiiMatch m : found) {
        boolean hit = ex.spans().stream().anyMatch(s -> GOLD.get(s.type()) == m.entity() && s.start() < m.end() && m.start() < s.end());
        counts.get(m.entity())[hit ? 0 : 1]++;
        if (!hit && System.getProperty("pii.debug") != null) {
          System.out.println("FP " + m + " in " + ex.text());
        }
      }
      for (SpanExample.Span s : ex.spans()) {
        PiiEntity e = GOLD.get(s.type());
        if (e == null) {
          continue;
        }
        counts.get(e)[3]++;
        boolean found2 = found.stream().anyMatch(m -> m.entity() == e && s.start() < m.end() && m.start() < s.end());
        if (found2) {
          counts.get(e)[2]++;
        } else if (System.getProperty("pii.debug") != null) {
          System.out.println("FN " + e + " " + ex.text().substring(s.start(), s.end()));
        }
      }
    }
    return counts;
  }

  @Test
  void precisionAndRecallAreAtLeast95PercentForEachEntity() throws Exception {
    List<SpanExample> data = LabelledFiles.presidio(TestData.guardrails().resolve("pii/generated_small.json"));
    Map<PiiEntity, long[]> counts = evaluate(data, new PiiDetector());
    for (PiiEntity e : List.of(PiiEntity.EMAIL, PiiEntity.CREDIT_CARD, PiiEntity.IP_ADDRESS, PiiEntity.US_SSN, PiiEntity.PHONE)) {
      long[] c = counts.get(e);
      double precision = c[0] + c[1] == 0 ? 1 : (double) c[0] / (c[0] + c[1]);
      double recall = c[3] == 0 ? 1 : (double) c[2] / c[3];
      System.out.printf("%s precision %.3f recall %.3f (tp %d fp %d, found %d of %d)%n", e, precision, recall, c[0], c[1], c[2], c[3]);
      assertThat(c[3]).as("gold spans of %s", e).isPositive();
      assertThat(precision).as("precision of %s", e).isGreaterThanOrEqualTo(0.95);
      assertThat(recall).as("recall of %s", e).isGreaterThanOrEqualTo(0.95);
    }
    // no IBAN in this file: none may be claimed
    assertThat(counts.get(PiiEntity.IBAN)[1]).isZero();
  }
}
