package dev.sluice.model;

import java.util.Objects;

/**
 * A call the model asked for in its response.
 *
 * @param id the provider's id for the call
 * @param name the function's name
 * @param argumentsJson the arguments, as the JSON text the model wrote
 */
public record ToolCall(String id, String name, String argumentsJson) {
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(argumentsJson, "argumentsJson");
  }
}
