package dev.sluice.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.outcome.InvalidConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reading fields of a configuration tree (a rollout note, a route file, Spring properties) with
 * errors that name the field's path and what it allows. Numbers and booleans may also be given as
 * text, as environment variables and property files give them.
 */
public final class ConfigNodes {

  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d{1,18})\\s{0,3}(ms|s|m|h|d)");
  /** No configured duration is longer than ten years; longer ones are typos or overflow. */
  private static final Duration MAX_DURATION = Duration.ofDays(3650);

  private ConfigNodes() {}

  /** {@code path.field}, or {@code field} at the root. */
  public static String path(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /**
   * Fails on the first field of {@code n} not in {@code known}, naming the {@code what} it is not a
   * field of. A field spelled another way (kebab-case {@code max-attempts}, camelCase {@code
   * maxAttempts}, or {@code maxattempts} as Spring reads {@code SLUICE_..._MAXATTEMPTS} from the
   * environment) is renamed in place to the schema's snake_case spelling; the same field set twice
   * under two spellings is a mistake.
   */
  public static void onlyKnown(JsonNode n, Set<String> known, String path, String what) {
    java.util.List<String> fields = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(fields::add);
    for (String f : fields) {
      if (known.contains(f)) {
        continue;
      }
      String spelled = n instanceof com.fasterxml.jackson.databind.node.ObjectNode ? relaxed(f, known) : null;
      if (spelled == null) {
        throw new InvalidConfigurationException(path(path, f), "is not a field of " + what + "; known fields: " + new TreeSet<>(known));
      }
      if (n.has(spelled)) {
        throw new InvalidConfigurationException(path(path, f), "is " + spelled + " spelled another way, and both are set");
      }
      com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) n;
      o.set(spelled, o.remove(f));
    }
  }

  /** The known field {@code f} is a spelling of, ignoring case, dashes and underscores; null if none. */
  private static @Nullable String relaxed(String f, Set<String> known) {
    String uniform = uniform(f);
    for (String k : known) {
      if (uniform(k).equals(uniform)) {
        return k;
      }
    }
    return null;
  }

  private static String uniform(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length() && i < 256; i++) {
      char c = name.charAt(i);
      if (c != '-' && c != '_') {
        b.append(Character.toLowerCase(c));
      }
    }
    return b.toString();
  }

  /** The object at {@code field}, failing if it is there but not an object. */
  public static @Nullable JsonNode object(JsonNode n, String field, String path, String allowed) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new InvalidConfigurationException(path(path, field), v.toString(), allowed);
    }
    return v;
  }

  /** A text value; {@code ""} when absent and not required. */
  public static String text(JsonNode n, String field, boolean required, String path) {
    JsonNode v = n.get(field);
    String f = path(path, field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new InvalidConfigurationException(f, null, "text");
      }
      return "";
    }
    if (!v.isValueNode()) {
      throw new InvalidConfigurationException(f, v.toString(), "text");
    }
    return v.asText();
  }

  public static double number(JsonNode n, String field, String path) {
    JsonNode v = n.get(field);
    if (v != null && v.isNumber() && Double.isFinite(v.asDouble())) {
      return v.asDouble();
    }
    if (v != null && v.isTextual() && v.asText().length() <= 40) {
      try {
        double d = Double.parseDouble(v.asText().trim());
        if (Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new InvalidConfigurationException(path(path, field), v == null ? null : v.toString(), "a number");
  }

  public static int integer(JsonNode n, String field, String path) {
    double d = number(n, field, path);
    if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
      throw new InvalidConfigurationException(path(path, field), n.get(field).toString(), "a whole number");
    }
    return (int) d;
  }

  public static boolean bool(JsonNode n, String field, String path) {
    JsonNode v = n.get(field);
    if (v != null && v.isBoolean()) {
      return v.asBoolean();
    }
    if (v != null && v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(v.asText());
    }
    throw new InvalidConfigurationException(path(path, field), v == null ? null : v.toString(), "true or false");
  }

  /** A list of text; empty when absent. */
  public static Set<String> strings(JsonNode n, String field, String path) {
    JsonNode v = n.get(field);
    Set<String> out = new LinkedHashSet<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new InvalidConfigurationException(path(path, field), v.toString(), "a list of text");
    }
    v.forEach(e -> out.add(e.asText()));
    return out;
  }

  /**
   * Runs a builder step, putting {@code path} in front of the field of any
   * {@link InvalidConfigurationException} it throws that does not already name its full path.
   */
  public static <T> T within(String path, java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (InvalidConfigurationException e) {
      throw rename(path, e);
    } catch (IllegalArgumentException | ArithmeticException | IllegalStateException e) {
      // A builder's own check, or arithmetic on a value out of range: named by the section it came from.
      InvalidConfigurationException named = new InvalidConfigurationException(path,
          "is not valid: " + (e instanceof ArithmeticException ? "a value is out of range" : String.valueOf(e.getMessage())));
      named.initCause(e);
      throw named;
    }
  }

  private static InvalidConfigurationException rename(String path, InvalidConfigurationException e) {
    if (e.field().startsWith(path)) {
      return e;
    }
    String problem = String.valueOf(e.getMessage()).substring(e.field().length()).replaceFirst("^:", "").trim();
    InvalidConfigurationException named = new InvalidConfigurationException(path(path, e.field()), problem);
    named.initCause(e);
    return named;
  }

  /** Reads {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}, {@code 500ms} or ISO-8601 {@code PT2H}. */
  public static Duration duration(JsonNode n, String field, String path) {
    return duration(text(n, field, true, path).trim(), path(path, field));
  }

  /** Reads {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}, {@code 500ms} or ISO-8601 {@code PT2H}; a bad one names {@code field}. */
  public static Duration duration(String v, String field) {
    Duration d;
    try {
      Matcher m = SIMPLE_DURATION.matcher(v);
      if (m.matches()) {
        long x = Long.parseLong(m.group(1));
        d = switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(x);
          case "s" -> Duration.ofSeconds(x);
          case "m" -> Duration.ofMinutes(x);
          case "h" -> Duration.ofHours(x);
          default -> Duration.ofDays(x);
        };
      } else {
        d = Duration.parse(v);
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new InvalidConfigurationException(field, v, "a duration such as 90s, 15m, 2h, 1d or PT2H, from 0 to 3650d");
    }
    if (d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
      throw new InvalidConfigurationException(field, v, "a duration from 0 to 3650d");
    }
    return d;
  }
}
