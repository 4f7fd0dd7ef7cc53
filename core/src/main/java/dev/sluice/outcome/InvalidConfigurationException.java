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
    super(field + " is " + describe(field, value) + "; allowed: " + allowed);
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

  /**
   * The value as the message shows it: never a secret (a field named like a key, token, secret,
   * password or authorization header, or a value that looks like an API key), never more than
   * 80 characters.
   */
  private static String describe(String field, @Nullable Object value) {
    if (value == null) {
      return "missing";
    }
    String v = String.valueOf(value);
    String name = field.toLowerCase(java.util.Locale.ROOT);
    boolean secretField = (name.contains("key") || name.contains("secret") || name.contains("token") || name.contains("password")
        || name.contains("authorization")) && !name.endsWith("_env") && !name.endsWith("tokens");
    if (secretField || v.startsWith("sk-") || v.startsWith("\"sk-")) {
      return "<redacted, " + v.length() + " characters>";
    }
    // A URL's user info is a credential.
    v = v.replaceAll("://[^/@\\s]{1,200}@", "://<redacted>@");
    if (v.length() > 80) {
      v = v.substring(0, 77) + "...";
    }
    return value instanceof CharSequence ? "'" + v + "'" : v;
  }
}
