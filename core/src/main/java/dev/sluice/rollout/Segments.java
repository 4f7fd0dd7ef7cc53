package dev.sluice.rollout;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.subject.Subject;
import java.util.List;
import java.util.Objects;

/**
 * The important segments of a rollout: a subject attribute (tenant, region, plan, or any other the
 * subjects carry) and the few values of it whose own regression must roll back, even when the
 * traffic as a whole stays within its margins ("quality quietly drops for one important tenant").
 * The judge compares the candidate with the baseline within each segment as well as overall, with
 * the rollback's error budget shared among them; subjects with another value, or none, are judged
 * only overall.
 *
 * <pre>{@code RolloutPlan.builder("support-answer", "v8").segments(Segments.by("tenant", "acme", "globex"))}</pre>
 *
 * <p>In a rollout note: {@code segments: {by: tenant, values: [acme, globex]}}.
 *
 * @param attribute the subject attribute, e.g. {@code tenant}
 * @param values the values judged on their own, at most {@link #MAX_VALUES}
 */
public record Segments(String attribute, List<String> values) {

  /** At most this many segments: each costs the rollback test a share of its α and each look a comparison. */
  public static final int MAX_VALUES = 8;

  public Segments {
    Objects.requireNonNull(attribute, "attribute");
    Objects.requireNonNull(values, "values");
    if (attribute.isBlank()) {
      throw new InvalidConfigurationException("segments.by", attribute, "a subject attribute, e.g. tenant, region or plan");
    }
    if (values.isEmpty() || values.size() > MAX_VALUES) {
      throw new InvalidConfigurationException("segments.values", values.size() + " value(s)",
          "1 to " + MAX_VALUES + " values: each segment takes a share of the rollback test's error budget");
    }
    if (values.stream().distinct().count() != values.size()) {
      throw new InvalidConfigurationException("segments.values", values, "distinct values");
    }
    for (String v : values) {
      if (v == null || v.isBlank() || v.length() > Subject.MAX_VALUE_CHARS) {
        throw new InvalidConfigurationException("segments.values", v,
            "non-blank values of at most " + Subject.MAX_VALUE_CHARS + " characters");
      }
    }
    values = List.copyOf(values);
  }

  /** Segments by {@code attribute}, one per value. */
  public static Segments by(String attribute, String... values) {
    return new Segments(attribute, List.of(values));
  }

  /** The subject's segment: its value of the attribute when that is one of {@link #values}, else the empty string. */
  public String of(Subject subject) {
    String v = subject.attribute(attribute).orElse(null);
    return v != null && values.contains(v) ? v : "";
  }
}
