package dev.sluice.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON Schema validation (networknt, draft 2020-12 by default), with compiled schemas cached by
 * their text. A model's JSON is read nested at most {@value #MAX_DEPTH} deep: validation recurses
 * with the document, and arrays nested a thousand deep against a recursive schema overflowed the
 * stack.
 */
public final class JsonSchemas {

  /** The deepest nesting of arrays and objects read from a model's output. */
  public static final int MAX_DEPTH = 64;

  /** Reads model output: nested at most {@link #MAX_DEPTH} deep. */
  public static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build());
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final ConcurrentHashMap<String, Schema> CACHE = new ConcurrentHashMap<>();

  private JsonSchemas() {}

  /** " at line L, column C" of a parse failure, or nothing. */
  public static String where(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  /**
   * The problems of {@code json} against {@code schema}: empty when it is valid, one entry saying
   * it does not parse when it is not JSON.
   */
  public static List<String> problems(String schema, String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (StreamConstraintsException e) {
      return List.of("JSON nested deeper than " + MAX_DEPTH + " levels");
    } catch (JsonProcessingException e) {
      // Where, not what: the parser's message quotes the text, which may hold the user's data.
      return List.of("not JSON" + where(e));
    }
    if (node == null) {
      return List.of("not JSON: empty");
    }
    Schema s = CACHE.computeIfAbsent(schema, REGISTRY::getSchema);
    if (CACHE.size() > 1024) {
      CACHE.clear();
    }
    return s.validate(node).stream().map(Error::toString).toList();
  }
}
