package dev.sluice.outcome;

import org.jspecify.annotations.Nullable;

/**
 * A configuration value is wrong. Thrown when a builder builds (or a setter is called), never
 * during a call; the message names the field, the value given and what is allowed.
 */
public class InvalidConfigurationException extends SluiceException {

  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidConfigurationException(String field, @Nullable Object value, String allowed) {
    super(field + " is " + describe(value) + "; allowed: " + allowed);
    this.field = field;
  }

  public InvalidConfigurationException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  /** The configuration field at fault, e.g. {@code route[support].variant[v2].model}. */
  public String field() {
    return field;
  }

  private static String describe(@Nullable Object value) {
    if (value == null) {
      return "missing";
    }
    return value instanceof CharSequence ? "'" + value + "'" : String.valueOf(value);
  }
}
