package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.eval.LabelledFiles;
import dev.sluice.testkit.eval.SpanExample;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import net.datafaker.Faker;
import org.junit.jupiter.api.Test;

/**
 * Person names, street addresses and dates of birth: precision and recall on sentences made from
 * Datafaker's names, streets and birthdays (a seeded generator: the same sentences every run; its
 * name lists are not the detector's dictionary), in contexts with and without cues, beside
 * sentences with none of them; and recall on presidio-research's PERSON and ADDRESS spans.
 */
class PersonalDataAccuracyTest {

  record Sentence(String text, List<SpanExample.Span> spans) {}

  private static final List<DateTimeFormatter> DATES = List.of(DateTimeFormatter.ofPattern("MM/dd/yyyy", Locale.ROOT),
      DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH), DateTimeFormatter.ofPattern("MMMM d, yyyy", Locale.ENGLISH),
      DateTimeFormatter.ISO_LOCAL_DATE, DateTimeFormatter.ofPattern("dd.MM.yyyy", Locale.ROOT));

  /** Sentences with one entity each ({@code {}} marks where), and sentences with none. */
  private static final List<String[]> TEMPLATES = List.of(
      new String[] {"PERSON", "My name is {} and I need help with my order."},
      new String[] {"PERSON", "Please forward this to {} before Friday."},
      new String[] {"PERSON", "{} called yesterday about the invoice."},
      new String[] {"PERSON", "Dear {},\nthank you for your message."},
      new String[] {"PERSON", "Can you check the account of {}?"},
      new String[] {"PERSON", "I spoke with {} this morning and she agreed."},
      new String[] {"PERSON", "The contract was signed by {} in March."},
      new String[] {"ADDRESS", "Ship it to {}, please."},
      new String[] {"ADDRESS", "I moved to {} last month."},
      new String[] {"ADDRESS", "Our office is at {} near the station."},
      new String[] {"ADDRESS", "billing address: {}"},
      new String[] {"DOB", "I was born on {}."},
      new String[] {"DOB", "DOB: {}"},
      new String[] {"DOB", "Date of birth: {}, please update my file."},
      new String[] {"DOB", "My birthday is {} and I am turning forty."},
      new String[] {"NONE", "The meeting moved to {} because of the holiday."},
      new String[] {"NONE", "Order {} ships in 3 days to the warehouse."},
      new String[] {"NONE", "May I ask whether the Grand Canyon tour on {} is still available?"},
      new String[] {"NONE", "We sold {} units on Black Friday, up from last year."},
      new String[] {"NONE", "Will the New York office open at 9 on {}?"});

  static List<Sentence> synthetic(int n) {
    Faker faker = new Faker(Locale.ENGLISH, new Random(20261130L));
    Random random = new Random(7);
    List<Sentence> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] t = TEMPLATES.get(i % TEMPLATES.size());
      String value = switch (t[0]) {
        case "PERSON" -> (i % 7 == 0 ? "Mr. " : "") + faker.name().firstName() + " " + faker.name().lastName();
        case "ADDRESS" -> {
          String a = faker.address().streetAddress(random.nextInt(4) == 0);
          yield t[1].startsWith("billing") ? a.toLowerCase(Locale.ROOT) : a;
        }
        case "DOB" -> faker.timeAndDate().birthday(18, 90).format(DATES.get(random.nextInt(DATES.size())));
        default -> i % 2 == 0 ? LocalDate.of(2026, 1 + random.nextInt(12), 1 + random.nextInt(28)).format(DATES.get(random.nextInt(DATES.size())))
            : String.valueOf(1000 + random.nextInt(9000));
      };
      String text = t[1].replace("{}", value);
      int start = text.indexOf(value);
      List<SpanExample.Span> spans = t[0].equals("NONE") ? List.of() : List.of(new SpanExample.Span(t[0], start, start + value.length()));
      out.add(new Sentence(text, spans));
    }
    return out;
  }

  static final Map<String, PiiEntity> ENTITIES = Map.of("PERSON", PiiEntity.PERSON, "ADDRESS", PiiEntity.STREET_ADDRESS,
      "DOB", PiiEntity.DATE_OF_BIRTH);

  /** Per entity: [matches overlapping a gold span of it, other matches, gold spans found, gold spans]. */
  static Map<PiiEntity, long[]> evaluate(List<Sentence> sentences, Function<String, PiiEntity> gold, Set<PiiEntity> assessed) {
    PiiDetector detector = new PiiDetector();
    Map<PiiEntity, long[]> counts = new EnumMap<>(PiiEntity.class);
    for (PiiEntity e : ENTITIES.values()) {
      if (assessed.contains(e)) {
        counts.put(e, new long[4]);
      }
    }
    for (Sentence s : sentences) {
      List<PiiMatch> found = detector.find(s.text());
      for (PiiMatch m : found) {
        long[] c = counts.get(m.entity());
        if (c != null) {
          boolean hit = s.spans().stream().anyMatch(g -> gold.apply(g.type()) == m.entity() && g.start() < m.end() && m.start() < g.end());
          c[hit ? 0 : 1]++;
          if (!hit && System.getProperty("pii.debug") != null) {
            System.out.println("FP " + m.entity() + " '" + m.value() + "' in " + s.text());
          }
        }
      }
      for (SpanExample.Span g : s.spans()) {
        PiiEntity e = gold.apply(g.type());
        if (e == null || !assessed.contains(e)) {
          continue;
        }
        long[] c = counts.get(e);
        c[3]++;
        if (found.stream().anyMatch(m -> m.entity() == e && g.start() < m.end() && m.start() < g.end())) {
          c[2]++;
        } else if (System.getProperty("pii.debug") != null) {
          System.out.println("FN " + e + " '" + s.text().substring(g.start(), g.end()) + "' in " + s.text());
        }
      }
    }
    counts.forEach((e, c) -> System.out.printf(Locale.ROOT, "%s precision %.3f recall %.3f (%d of %d gold spans, %d other matches)%n", e,
        c[0] + c[1] == 0 ? Double.NaN : (double) c[0] / (c[0] + c[1]), c[3] == 0 ? Double.NaN : (double) c[2] / c[3], c[2], c[3], c[1]));
    return counts;
  }

  static double precision(long[] c) {
    return (double) c[0] / (c[0] + c[1]);
  }

  static double recall(long[] c) {
    return (double) c[2] / c[3];
  }

  @Test
  void namesAddressesAndBirthDatesInSyntheticSentences() {
    Map<PiiEntity, long[]> c = evaluate(synthetic(2000), ENTITIES::get, Set.copyOf(ENTITIES.values()));
    // measured (docs/GUARDRAILS.md): person 1.000 / 0.823, street address 1.000 / 0.765, date of birth 1.000 / 1.000
    assertThat(precision(c.get(PiiEntity.PERSON))).isGreaterThanOrEqualTo(0.97);
    assertThat(recall(c.get(PiiEntity.PERSON))).isGreaterThanOrEqualTo(0.80);
    assertThat(precision(c.get(PiiEntity.STREET_ADDRESS))).isGreaterThanOrEqualTo(0.97);
    assertThat(recall(c.get(PiiEntity.STREET_ADDRESS))).isGreaterThanOrEqualTo(0.74);
    assertThat(precision(c.get(PiiEntity.DATE_OF_BIRTH))).isGreaterThanOrEqualTo(0.97);
    assertThat(recall(c.get(PiiEntity.DATE_OF_BIRTH))).isGreaterThanOrEqualTo(0.97);
  }

  @Test
  void presidioResearchPersonAndAddressSpans() throws Exception {
    List<Sentence> sentences = LabelledFiles.presidio(TestData.guardrails().resolve("pii/generated_small.json")).stream()
        .map(e -> new Sentence(e.text(), e.spans())).toList();
    Map<PiiEntity, long[]> c = evaluate(sentences, Map.of("PERSON", PiiEntity.PERSON, "ADDRESS", PiiEntity.STREET_ADDRESS)::get,
        Set.of(PiiEntity.PERSON, PiiEntity.STREET_ADDRESS));
    // measured: person precision 0.926, recall 0.455 (lower-case and foreign names, no cue); street address recall 0.261
    assertThat(precision(c.get(PiiEntity.PERSON))).isGreaterThanOrEqualTo(0.90);
    assertThat(recall(c.get(PiiEntity.PERSON))).isGreaterThanOrEqualTo(0.43);
    assertThat(recall(c.get(PiiEntity.STREET_ADDRESS))).isGreaterThanOrEqualTo(0.24);
  }
}
