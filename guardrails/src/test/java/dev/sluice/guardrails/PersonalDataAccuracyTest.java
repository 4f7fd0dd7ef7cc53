package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.eval.LabelledFiles;
import dev.sluice.testkit.eval.SpanExample;
import dev.sluice.testkit.eval.SpanScores;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
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

  static List<SpanExample> synthetic(int n) {
    Faker faker = new Faker(Locale.ENGLISH, new Random(20261130L));
    Random random = new Random(7);
    List<SpanExample> out = new ArrayList<>();
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
      out.add(new SpanExample(text, spans));
    }
    return out;
  }

  static final Map<String, PiiEntity> ENTITIES = Map.of("PERSON", PiiEntity.PERSON, "ADDRESS", PiiEntity.STREET_ADDRESS,
      "DOB", PiiEntity.DATE_OF_BIRTH);

  /** Each entity's figures on {@code sentences}, printed. */
  static Map<PiiEntity, SpanScores> evaluate(List<SpanExample> sentences, Function<String, PiiEntity> gold, List<PiiEntity> assessed) {
    PiiDetector detector = new PiiDetector();
    Map<PiiEntity, SpanScores> scores = SpanScores.of(sentences, text -> PiiAccuracyTest.found(detector, text), gold, assessed);
    scores.forEach((e, c) -> System.out.println(e + " " + c));
    return scores;
  }

  @Test
  void namesAddressesAndBirthDatesInSyntheticSentences() {
    Map<PiiEntity, SpanScores> c = evaluate(synthetic(2000), ENTITIES::get,
        List.of(PiiEntity.PERSON, PiiEntity.STREET_ADDRESS, PiiEntity.DATE_OF_BIRTH));
    // measured (docs/GUARDRAILS.md): person 1.000 / 0.823, street address 1.000 / 0.765, date of birth 1.000 / 1.000
    assertThat(c.get(PiiEntity.PERSON).precision()).isGreaterThanOrEqualTo(0.97);
    assertThat(c.get(PiiEntity.PERSON).recall()).isGreaterThanOrEqualTo(0.80);
    assertThat(c.get(PiiEntity.STREET_ADDRESS).precision()).isGreaterThanOrEqualTo(0.97);
    assertThat(c.get(PiiEntity.STREET_ADDRESS).recall()).isGreaterThanOrEqualTo(0.74);
    assertThat(c.get(PiiEntity.DATE_OF_BIRTH).precision()).isGreaterThanOrEqualTo(0.97);
    assertThat(c.get(PiiEntity.DATE_OF_BIRTH).recall()).isGreaterThanOrEqualTo(0.97);
  }

  @Test
  void presidioResearchPersonAndAddressSpans() throws Exception {
    List<SpanExample> sentences = LabelledFiles.presidio(TestData.guardrails().resolve("pii/generated_small.json"));
    Map<PiiEntity, SpanScores> c = evaluate(sentences, Map.of("PERSON", PiiEntity.PERSON, "ADDRESS", PiiEntity.STREET_ADDRESS)::get,
        List.of(PiiEntity.PERSON, PiiEntity.STREET_ADDRESS));
    // measured: person precision 0.926, recall 0.455 (lower-case and foreign names, no cue); street address recall 0.261
    assertThat(c.get(PiiEntity.PERSON).precision()).isGreaterThanOrEqualTo(0.90);
    assertThat(c.get(PiiEntity.PERSON).recall()).isGreaterThanOrEqualTo(0.43);
    assertThat(c.get(PiiEntity.STREET_ADDRESS).recall()).isGreaterThanOrEqualTo(0.24);
  }
}
