package dev.sluice.testkit.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.sluice.outcome.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads labelled files in the formats of guardrails/src/test/data: a JSON list of strings (all
 * positive), a JSON object with {@code jailbreaks[].prompt} (JailbreakBench, all positive), JSON
 * Lines with a text field and an optional boolean label, and CSV with a text column and a label
 * column whose positive values are given.
 */
public final class LabelledFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  private LabelledFiles() {}

  /** Every text of a JSON list of strings, or of JailbreakBench's {@code jailbreaks[].prompt}, labelled {@code positive}. */
  public static List<LabelledText> json(Path file, boolean positive) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    List<LabelledText> out = new ArrayList<>();
    JsonNode items = root.isArray() ? root : root.path("jailbreaks");
    for (JsonNode n : items) {
      String text = n.isTextual() ? n.asText() : n.path("prompt").asText(null);
      if (text != null && !text.isBlank()) {
        out.add(new LabelledText(text, positive));
      }
    }
    if (out.isEmpty()) {
      throw new InvalidConfigurationException(file.toString(), "has neither a list of strings nor jailbreaks[].prompt");
    }
    return out;
  }

  /** JSON Lines: {@code textField} holds the text, {@code labelField} (optional) a boolean or 0/1. */
  public static List<LabelledText> jsonl(Path file, String textField, String labelField, boolean defaultLabel) throws IOException {
    List<LabelledText> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = JSON.readTree(line);
      JsonNode label = n.get(labelField);
      boolean positive = label == null ? defaultLabel : label.isBoolean() ? label.asBoolean() : label.asInt() != 0;
      out.add(new LabelledText(n.path(textField).asText(), positive));
    }
    return out;
  }

  /**
   * The development corpus's JSON Lines: one object per line with {@code text}, {@code label},
   * {@code source} and {@code role}; a line missing one of them is refused naming the file, line
   * and field.
   */
  public static List<CorpusRow> corpus(Path file) throws IOException {
    List<CorpusRow> out = new ArrayList<>();
    int number = 0;
    for (String line : Files.readAllLines(file)) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = JSON.readTree(line);
      String[] fields = {"text", "label", "source", "role"};
      String[] values = new String[4];
      for (int i = 0; i < 4; i++) {
        JsonNode v = n.get(fields[i]);
        if (v == null || !v.isTextual()) {
          throw new InvalidConfigurationException(file + ":" + number + "." + fields[i], String.valueOf(v), "a string");
        }
        values[i] = v.asText();
      }
      out.add(new CorpusRow(values[0], values[1], values[2], values[3]));
    }
    return out;
  }

  /** CSV with a header: the text column, and the label column whose value is in {@code positives} (or every row, if the column is empty). */
  public static List<LabelledText> csv(Path file, String textColumn, String labelColumn, Set<String> positives) throws IOException {
    return csv(file, textColumn, row -> labelColumn.isEmpty() || positives.contains(row.get(labelColumn)));
  }

  public static List<LabelledText> csv(Path file, String textColumn, Predicate<Map<String, String>> positive) throws IOException {
    List<LabelledText> out = new ArrayList<>();
    for (Map<String, String> row : rows(file)) {
      String text = row.get(textColumn);
      if (text == null) {
        throw new InvalidConfigurationException(file + ".column", textColumn, "one of " + row.keySet());
      }
      out.add(new LabelledText(text, positive.test(row)));
    }
    return out;
  }

  /** The rows of a CSV file with a header, as column-to-value maps. */
  public static List<Map<String, String>> rows(Path file) throws IOException {
    CsvMapper mapper = new CsvMapper();
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    List<Map<String, String>> out = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it = mapper.readerFor(Map.class).with(schema).readValues(file.toFile())) {
      while (it.hasNext()) {
        out.add(it.next());
      }
    }
    return out;
  }

  /** Presidio's span format: {@code [{full_text, spans: [{entity_type, start_position, end_position}]}]}. */
  public static List<SpanExample> presidio(Path file) throws IOException {
    List<SpanExample> out = new ArrayList<>();
    for (JsonNode n : JSON.readTree(file.toFile())) {
      List<SpanExample.Span> spans = new ArrayList<>();
      for (JsonNode s : n.path("spans")) {
        spans.add(new SpanExample.Span(s.path("entity_type").asText(), s.path("start_position").asInt(), s.path("end_position").asInt()));
      }
      out.add(new SpanExample(n.path("full_text").asText(), spans));
    }
    return out;
  }
}
