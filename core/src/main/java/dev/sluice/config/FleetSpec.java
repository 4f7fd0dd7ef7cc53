package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.internal.ConfigNodes;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.time.TimeSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The configuration file's {@code fleet} section, as a {@link FleetProvider} reads it. Every getter
 * names the field's full path when the value is missing or wrong; {@link #secretFromEnvironment}
 * reads a value (a URI with a password) from the environment and never puts it in a message.
 */
public final class FleetSpec {

  /** The parts a fleet can share. */
  public enum Part {
    BUDGETS,
    ROLLOUTS,
    TOGGLES
  }

  private final JsonNode node;
  private final TimeSource time;
  private final Function<String, String> environment;
  private final ApplicationObjects objects;

  FleetSpec(JsonNode node, TimeSource time, Function<String, String> environment, ApplicationObjects objects) {
    this.node = node;
    this.time = time;
    this.environment = environment;
    this.objects = objects;
  }

  /** The application's one object of {@code type} (in Spring, a bean), if it has exactly one. */
  public <T> java.util.Optional<T> applicationObject(Class<T> type) {
    return objects.find(type);
  }

  /** The path of this section: {@code fleet}. */
  public String path() {
    return "fleet";
  }

  /** The time source the configured Sluice uses. */
  public TimeSource time() {
    return time;
  }

  /** Fails unless every field is {@code kind}, {@code share} or one of {@code fields}. */
  public void onlyFields(String... fields) {
    Set<String> known = new HashSet<>(Arrays.asList(fields));
    known.add("kind");
    known.add("share");
    ConfigNodes.onlyKnown(node, known, path(), "a fleet section of kind " + text("kind"));
  }

  public boolean has(String field) {
    return node.has(field);
  }

  public String text(String field) {
    return ConfigNodes.text(node, field, true, path());
  }

  /** The text, or null when the field is absent. */
  public @Nullable String textOrNull(String field) {
    return node.has(field) ? ConfigNodes.text(node, field, true, path()) : null;
  }

  public Duration duration(String field, Duration orElse) {
    return node.has(field) ? ConfigNodes.duration(node, field, path()) : orElse;
  }

  /** The number, or {@code orElse} when the field is absent. */
  public double number(String field, double orElse) {
    return node.has(field) ? ConfigNodes.number(node, field, path()) : orElse;
  }

  /** The parts to share ({@code share}); all of them when absent. */
  public Set<Part> share() {
    if (!node.has("share")) {
      return Set.of(Part.values());
    }
    Set<Part> parts = new HashSet<>();
    for (String name : ConfigNodes.strings(node, "share", path())) {
      try {
        parts.add(Part.valueOf(name.toUpperCase(java.util.Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationException(path() + ".share", name, "budgets, rollouts or toggles");
      }
    }
    return parts;
  }

  /**
   * The value of the environment variable that {@code field} names (e.g. {@code uri_env:
   * SLUICE_REDIS_URI}); a missing variable is an error naming the variable, never its value.
   */
  public String secretFromEnvironment(String field) {
    String variable = text(field);
    String value = environment.apply(variable);
    if (value == null || value.isBlank()) {
      throw new InvalidConfigurationException(path() + "." + field, variable, "the name of a set environment variable (it is not set)");
    }
    return value;
  }
}
