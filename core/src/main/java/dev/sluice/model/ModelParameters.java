package dev.sluice.model;

import dev.sluice.outcome.InvalidConfigurationException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sampling parameters of a model call. Any may be absent, in which case the provider's default
 * applies. {@link #overriddenBy(ModelParameters)} merges a variant's parameters over a request's.
 *
 * <pre>{@code ModelParameters.builder().temperature(0.2).maxOutputTokens(400).build()}</pre>
 */
public final class ModelParameters {

  /** No parameters: every provider default. */
  public static final ModelParameters DEFAULTS = builder().build();

  private final @Nullable Double temperature;
  private final @Nullable Double topP;
  private final @Nullable Integer maxOutputTokens;
  private final List<String> stop;
  private final @Nullable Long seed;

  private ModelParameters(Builder b) {
    this.temperature = b.temperature;
    this.topP = b.topP;
    this.maxOutputTokens = b.maxOutputTokens;
    this.stop = List.copyOf(b.stop);
    this.seed = b.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  public @Nullable Double temperature() {
    return temperature;
  }

  public @Nullable Double topP() {
    return topP;
  }

  public @Nullable Integer maxOutputTokens() {
    return maxOutputTokens;
  }

  public List<String> stop() {
    return stop;
  }

  public @Nullable Long seed() {
    return seed;
  }

  /** These parameters with every parameter that {@code other} sets taking its value. */
  public ModelParameters overriddenBy(ModelParameters other) {
    if (other == DEFAULTS || other.equals(DEFAULTS)) {
      return this;
    }
    if (this == DEFAULTS) {
      return other;
    }
    Builder b = toBuilder();
    if (other.temperature != null) b.temperature = other.temperature;
    if (other.topP != null) b.topP = other.topP;
    if (other.maxOutputTokens != null) b.maxOutputTokens = other.maxOutputTokens;
    if (!other.stop.isEmpty()) b.stop = other.stop;
    if (other.seed != null) b.seed = other.seed;
    return b.build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.temperature = temperature;
    b.topP = topP;
    b.maxOutputTokens = maxOutputTokens;
    b.stop = stop;
    b.seed = seed;
    return b;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ModelParameters p
        && java.util.Objects.equals(temperature, p.temperature)
        && java.util.Objects.equals(topP, p.topP)
        && java.util.Objects.equals(maxOutputTokens, p.maxOutputTokens)
        && stop.equals(p.stop)
        && java.util.Objects.equals(seed, p.seed);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(temperature, topP, maxOutputTokens, stop, seed);
  }

  @Override
  public String toString() {
    return "ModelParameters[temperature=" + temperature + ", topP=" + topP
        + ", maxOutputTokens=" + maxOutputTokens + ", stop=" + stop + ", seed=" + seed + "]";
  }

  /** Builds {@link ModelParameters}; each setter checks its range. */
  public static final class Builder {
    private @Nullable Double temperature;
    private @Nullable Double topP;
    private @Nullable Integer maxOutputTokens;
    private List<String> stop = List.of();
    private @Nullable Long seed;

    private Builder() {}

    /** Sampling temperature, 0 to 2. */
    public Builder temperature(double value) {
      if (!(value >= 0 && value <= 2)) {
        throw new InvalidConfigurationException("temperature", value, "a number from 0 to 2");
      }
      this.temperature = value;
      return this;
    }

    /** Nucleus sampling mass, greater than 0 and at most 1. */
    public Builder topP(double value) {
      if (!(value > 0 && value <= 1)) {
        throw new InvalidConfigurationException("topP", value, "a number greater than 0 and at most 1");
      }
      this.topP = value;
      return this;
    }

    /** The most tokens the model may write; budgets reserve for this many. 1 to 1,000,000. */
    public Builder maxOutputTokens(int value) {
      if (value < 1 || value > 1_000_000) {
        throw new InvalidConfigurationException("maxOutputTokens", value, "a whole number from 1 to 1000000");
      }
      this.maxOutputTokens = value;
      return this;
    }

    public Builder stop(List<String> sequences) {
      this.stop = List.copyOf(sequences);
      return this;
    }

    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    public ModelParameters build() {
      return new ModelParameters(this);
    }
  }
}
