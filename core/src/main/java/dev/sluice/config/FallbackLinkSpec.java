package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.release.Variant;
import dev.sluice.internal.ConfigNodes;
import dev.sluice.time.TimeSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.List;

/**
 * One entry of a route's {@code fallback} list, as a {@link FallbackLinkProvider} reads it. Every
 * getter names the field's full path when the value is missing or wrong.
 */
public final class FallbackLinkSpec {

  private final JsonNode node;
  private final String path;
  private final String route;
  private final TimeSource time;
  private final List<Variant> variants;

  FallbackLinkSpec(JsonNode node, String path, String route, TimeSource time, List<Variant> variants) {
    this.node = node;
    this.path = path;
    this.route = route;
    this.time = time;
    this.variants = variants;
  }

  /** The path of this entry, e.g. {@code routes[0].fallback[1]}. */
  public String path() {
    return path;
  }

  public String route() {
    return route;
  }

  /** The time source the configured Sluice uses. */
  public TimeSource time() {
    return time;
  }

  /** Fails unless every field of the entry is {@code kind}, {@code on} or one of {@code fields}. */
  public void onlyFields(String... fields) {
    Set<String> known = new java.util.HashSet<>(Arrays.asList(fields));
    known.add("kind");
    known.add("on");
    ConfigNodes.onlyKnown(node, known, path, "a fallback link of kind " + kind());
  }

  public String kind() {
    return ConfigNodes.text(node, "kind", true, path);
  }

  public boolean has(String field) {
    return node.has(field);
  }

  public String text(String field) {
    return ConfigNodes.text(node, field, true, path);
  }

  public long number(String field, long orElse) {
    return node.has(field) ? (long) ConfigNodes.number(node, field, path) : orElse;
  }

  public Duration duration(String field, Duration orElse) {
    return node.has(field) ? ConfigNodes.duration(node, field, path) : orElse;
  }

  /** The failures the link handles ({@code on}); every trigger when absent. */
  public Set<FallbackTrigger> triggers() {
    Set<String> names = ConfigNodes.strings(node, "on", path);
    if (names.isEmpty()) {
      return FallbackTrigger.any();
    }
    Set<FallbackTrigger> out = EnumSet.noneOf(FallbackTrigger.class);
    for (String n : names) {
      try {
        out.add(FallbackTrigger.valueOf(n.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationException(ConfigNodes.path(path, "on"), n,
            "any of " + Arrays.stream(FallbackTrigger.values()).map(t -> t.name().toLowerCase(Locale.ROOT)).toList());
      }
    }
    return out;
  }

  /** One of the route's variants, named by id under {@code field} (a backup variant is declared with the others). */
  public Variant variant(String field) {
    String id = text(field);
    return variants.stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow(() -> new InvalidConfigurationException(
        ConfigNodes.path(path, field), id, "the id of one of the route's variants " + variants.stream().map(Variant::id).toList()));
  }
}
