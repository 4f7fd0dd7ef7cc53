package dev.sluice.model;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A piece of a tool call as a stream delivers it: the first piece of call {@code index} names its
 * id and function, later pieces add to its arguments.
 *
 * @param index which of the answer's tool calls this piece belongs to (0 for the first)
 * @param id the call's id, on its first piece only
 * @param name the function's name, on its first piece only
 * @param arguments more of the arguments' JSON text ("" for none)
 */
public record ToolCallDelta(int index, @Nullable String id, @Nullable String name, String arguments) {

  public ToolCallDelta {
    if (index < 0) {
      throw new IllegalArgumentException("index must be zero or more, got " + index);
    }
    Objects.requireNonNull(arguments, "arguments");
  }
}
