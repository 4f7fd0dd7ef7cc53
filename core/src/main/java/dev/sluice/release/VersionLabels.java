package dev.sluice.release;

import dev.sluice.internal.Checks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The versions that produced an answer: model, prompt, retrieval and policy. Any may be absent.
 * They label every response, log line (MDC), audit event and meter.
 *
 * <pre>{@code VersionLabels.builder().modelVersion("gpt-4o-2024-08-06").promptVersion("support-v7").build()}</pre>
 */
public final class VersionLabels {

  /** Meter tag and MDC key names, in a fixed order. */
  public static final String MODEL_VERSION = "model_version";
  public static final String PROMPT_VERSION = "prompt_version";
  public static final String RETRIEVAL_VERSION = "retrieval_version";
  public static final String POLICY_VERSION = "policy_version";

  /** The value a tag takes when its label is absent. */
  public static final String ABSENT = "none";

  public static final VersionLabels NONE = builder().build();

  private final @Nullable String modelVersion;
  private final @Nullable String promptVersion;
  private final @Nullable String retrievalVersion;
  private final @Nullable String policyVersion;
  private final Map<String, String> map;

  private VersionLabels(Builder b) {
    this.modelVersion = b.modelVersion;
    this.promptVersion = b.promptVersion;
    this.retrievalVersion = b.retrievalVersion;
    this.policyVersion = b.policyVersion;
    Map<String, String> m = new LinkedHashMap<>();
    m.put(MODEL_VERSION, orAbsent(modelVersion));
    m.put(PROMPT_VERSION, orAbsent(promptVersion));
    m.put(RETRIEVAL_VERSION, orAbsent(retrievalVersion));
    m.put(POLICY_VERSION, orAbsent(policyVersion));
    this.map = java.util.Collections.unmodifiableMap(m);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<String> modelVersion() {
    return Optional.ofNullable(modelVersion);
  }

  public Optional<String> promptVersion() {
    return Optional.ofNullable(promptVersion);
  }

  public Optional<String> retrievalVersion() {
    return Optional.ofNullable(retrievalVersion);
  }

  public Optional<String> policyVersion() {
    return Optional.ofNullable(policyVersion);
  }

  /** All four labels by key, absent ones as {@value #ABSENT}; iteration order is fixed; unmodifiable. */
  public Map<String, String> asMap() {
    return map;
  }

  private static String orAbsent(@Nullable String v) {
    return v == null ? ABSENT : v;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof VersionLabels l && asMap().equals(l.asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    return "VersionLabels" + asMap();
  }

  /** Builds {@link VersionLabels}; each value is 1 to 64 plain characters. */
  public static final class Builder {
    private @Nullable String modelVersion;
    private @Nullable String promptVersion;
    private @Nullable String retrievalVersion;
    private @Nullable String policyVersion;

    private Builder() {}

    public Builder modelVersion(@Nullable String v) {
      this.modelVersion = v == null ? null : Checks.id(MODEL_VERSION, v);
      return this;
    }

    public Builder promptVersion(@Nullable String v) {
      this.promptVersion = v == null ? null : Checks.id(PROMPT_VERSION, v);
      return this;
    }

    public Builder retrievalVersion(@Nullable String v) {
      this.retrievalVersion = v == null ? null : Checks.id(RETRIEVAL_VERSION, v);
      return this;
    }

    public Builder policyVersion(@Nullable String v) {
      this.policyVersion = v == null ? null : Checks.id(POLICY_VERSION, v);
      return this;
    }

    public VersionLabels build() {
      return new VersionLabels(this);
    }
  }
}
