package dev.sluice.model;

import java.util.Objects;

/**
 * A function the model may call.
 *
 * @param name the function's name
 * @param description what it does, for the model
 * @param parametersSchema a JSON Schema of its arguments, as text
 */
public record ToolDefinition(String name, String description, String parametersSchema) {
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parametersSchema, "parametersSchema");
  }
}
