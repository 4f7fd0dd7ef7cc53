package dev.sluice.internal.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.sluice.internal.JsonSchemas;
import dev.sluice.outcome.InvalidConfigurationException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a YAML or JSON document Sluice is configured by (the configuration file, a release): a
 * bounded size, nested at most {@value #MAX_DEPTH} deep, no duplicate keys, no YAML aliases
 * (Jackson would read an alias as its anchor's name, silently). Every failure says where, without
 * quoting the document (it may hold a key).
 */
public final class Documents {

  /** The deepest nesting of a document. */
  public static final int MAX_DEPTH = 32;
  private static final int MAX_STRING = 1 << 20;
  private static final YAMLFactory YAML_FACTORY = YAMLFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_STRING).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final ObjectMapper YAML = new ObjectMapper(YAML_FACTORY);

  private Documents() {}

  /** Parses at most {@code maxBytes} of {@code in}; {@code what} names the document in errors. */
  public static JsonNode parse(InputStream in, int maxBytes, String what) throws IOException {
    byte[] doc = in.readNBytes(maxBytes + 1);
    if (doc.length > maxBytes) {
      throw new InvalidConfigurationException(what, "is larger than " + maxBytes + " bytes");
    }
    try (YAMLParser p = (YAMLParser) YAML_FACTORY.createParser(doc)) {
      while (p.nextToken() != null) {
        if (p.isCurrentAlias()) {
          throw new InvalidConfigurationException(pointer(p, what), "is a YAML alias (*" + p.getText()
              + "); aliases are not supported, repeat the value");
        }
      }
    } catch (StreamConstraintsException e) {
      throw new InvalidConfigurationException(what, "is nested deeper than " + MAX_DEPTH + " levels");
    } catch (JsonProcessingException e) {
      throw notParsed(e, what);
    }
    try {
      return YAML.readTree(doc);
    } catch (JsonProcessingException e) {
      throw notParsed(e, what);
    }
  }

  private static String pointer(JsonParser p, String what) {
    String at = p.getParsingContext().pathAsPointer().toString();
    return at.isEmpty() ? what : at.substring(1).replace('/', '.');
  }

  /** Where the document does not parse, and why, without quoting it. */
  private static InvalidConfigurationException notParsed(JsonProcessingException e, String what) {
    String where = JsonSchemas.where(e);
    String why = e.getOriginalMessage();
    if (why != null && why.startsWith("Duplicate field")) {
      why = "a key appears twice in the same mapping";
    } else {
      why = "it is neither valid YAML nor JSON";
    }
    return new InvalidConfigurationException(what, "cannot be read" + where + ": " + why);
  }
}
