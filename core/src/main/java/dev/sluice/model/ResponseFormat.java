package dev.sluice.model;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What shape of output a request asks for: free text, any JSON object, or JSON that follows a
 * JSON Schema. Asking for JSON makes unparseable output a failure that retries and breakers see.
 *
 * <pre>{@code ResponseFormat.jsonSchema("ticket", "{\"type\":\"object\"}")}</pre>
 */
public final class ResponseFormat {

  /** What is asked for. */
  public enum Type {
    TEXT,
    JSON_OBJECT,
    JSON_SCHEMA
  }

  public static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null, null);
  public static final ResponseFormat JSON_OBJECT = new ResponseFormat(Type.JSON_OBJECT, null, null);

  private final Type type;
  private final @Nullable String schemaName;
  private final @Nullable String schema;

  private ResponseFormat(Type type, @Nullable String schemaName, @Nullable String schema) {
    this.type = type;
    this.schemaName = schemaName;
    this.schema = schema;
  }

  /** JSON that follows {@code schemaJson}, a JSON Schema document given as text. */
  public static ResponseFormat jsonSchema(String name, String schemaJson) {
    return new ResponseFormat(
        Type.JSON_SCHEMA, Objects.requireNonNull(name, "name"), Objects.requireNonNull(schemaJson, "schemaJson"));
  }

  public Type type() {
    return type;
  }

  /** True for {@link Type#JSON_OBJECT} and {@link Type#JSON_SCHEMA}. */
  public boolean wantsJson() {
    return type != Type.TEXT;
  }

  public @Nullable String schemaName() {
    return schemaName;
  }

  /** The JSON Schema text for {@link Type#JSON_SCHEMA}, else null. */
  public @Nullable String schema() {
    return schema;
  }

  @Override
  public String toString() {
    return type == Type.JSON_SCHEMA ? "json_schema(" + schemaName + ")" : type.name().toLowerCase(java.util.Locale.ROOT);
  }
}
