package dev.sluice.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** JSON Schema validation (networknt, draft 2020-12 by default), with compiled schemas cached by their text. */
public final class JsonSchemas {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final ConcurrentHashMap<String, Schema> CACHE = new ConcurrentHashMap<>();

  private JsonSchemas() {}

  /**
   * The problems of {@code json} against {@code schema}: empty when it is valid, one entry saying
   * it does not parse when it is not JSON.
   */
  public static List<String> problems(String schema, String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return List.of("not JSON: " + e.getOriginalMessage());
    }
    if (node == null) {
      return List.of("not JSON: empty");
    }
    Schema s = CACHE.computeIfAbsent(schema, REGISTRY::getSchema);
    return s.validate(node).stream().map(Error::toString).toList();
  }
}
