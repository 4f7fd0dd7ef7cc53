package dev.sluice.internal;

import dev.sluice.outcome.InvalidConfigurationException;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Argument checks shared by the builders; each failure names the field. */
public final class Checks {

  /** Ids and labels become meter tags, so they are short and plain. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}");

  public static final String ID_RULE =
      "1 to 64 characters: letters, digits and . _ : / - (starting with a letter or digit)";

  private Checks() {}

  public static String id(String field, @Nullable String value) {
    if (value == null || !ID.matcher(value).matches()) {
      throw new InvalidConfigurationException(field, value, ID_RULE);
    }
    return value;
  }

  public static <T> T present(String field, @Nullable T value, String what) {
    if (value == null) {
      throw new InvalidConfigurationException(field, null, what);
    }
    return value;
  }

  public static Duration positive(String field, @Nullable Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new InvalidConfigurationException(field, value, "a positive duration");
    }
    return value;
  }

  public static double fraction(String field, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new InvalidConfigurationException(field, value, "a number from 0 to 1");
    }
    return value;
  }

  public static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw new InvalidConfigurationException(field, value, "a whole number of at least " + min);
    }
    return value;
  }
}
