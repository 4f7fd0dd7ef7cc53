package dev.sluice.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.subject.Subject;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Selects subjects by attribute: every condition given must hold (tenant in a set, region in a
 * set, plan in a set, internal or not). An empty rule selects nobody.
 *
 * <pre>{@code CohortRule.builder().tenants("acme").regions("eu-west").build()}</pre>
 *
 * @param tenants tenants selected, empty for any
 * @param regions regions selected, empty for any
 * @param plans plans selected, empty for any
 * @param internal if set, only internal (true) or only external (false) subjects
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record CohortRule(Set<String> tenants, Set<String> regions, Set<String> plans, @Nullable Boolean internal) {

  public static final CohortRule NOBODY = new CohortRule(Set.of(), Set.of(), Set.of(), null);

  @JsonCreator
  public CohortRule(
      @JsonProperty("tenants") @Nullable Set<String> tenants,
      @JsonProperty("regions") @Nullable Set<String> regions,
      @JsonProperty("plans") @Nullable Set<String> plans,
      @JsonProperty("internal") @Nullable Boolean internal) {
    this.tenants = tenants == null ? Set.of() : Set.copyOf(tenants);
    this.regions = regions == null ? Set.of() : Set.copyOf(regions);
    this.plans = plans == null ? Set.of() : Set.copyOf(plans);
    this.internal = internal;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True when the rule has no condition at all. */
  public boolean isEmpty() {
    return tenants.isEmpty() && regions.isEmpty() && plans.isEmpty() && internal == null;
  }

  /** Whether the subject meets every condition; an empty rule matches nobody. */
  public boolean matches(Subject subject) {
    if (isEmpty()) {
      return false;
    }
    if (!tenants.isEmpty() && !subject.tenant().map(tenants::contains).orElse(false)) {
      return false;
    }
    if (!regions.isEmpty() && !subject.region().map(regions::contains).orElse(false)) {
      return false;
    }
    if (!plans.isEmpty() && !subject.plan().map(plans::contains).orElse(false)) {
      return false;
    }
    return internal == null || internal == subject.internal();
  }

  /** Builds a {@link CohortRule}. */
  public static final class Builder {
    private Set<String> tenants = Set.of();
    private Set<String> regions = Set.of();
    private Set<String> plans = Set.of();
    private @Nullable Boolean internal;

    public Builder tenants(String... tenants) {
      this.tenants = Set.copyOf(List.of(tenants));
      return this;
    }

    public Builder regions(String... regions) {
      this.regions = Set.copyOf(List.of(regions));
      return this;
    }

    public Builder plans(String... plans) {
      this.plans = Set.copyOf(List.of(plans));
      return this;
    }

    public Builder internal(boolean internal) {
      this.internal = internal;
      return this;
    }

    public CohortRule build() {
      return new CohortRule(tenants, regions, plans, internal);
    }
  }
}
