package dev.sluice.budget;

import dev.sluice.internal.Checks;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A route's budget caps, the time zone their periods align to, and the output tokens reserved for
 * a request that sets no maximum.
 *
 * <pre>{@code
 * BudgetPolicy budget = BudgetPolicy.builder()
 *     .cap(BudgetCap.usd(BudgetScope.ROUTE, BudgetPeriod.DAY, "200"))
 *     .cap(BudgetCap.usd(BudgetScope.TENANT, BudgetPeriod.DAY, "10").onExceeded(BudgetAction.downgradeTo("small")))
 *     .zone(ZoneId.of("Europe/Paris"))
 *     .build();
 * }</pre>
 */
public final class BudgetPolicy {

  public static final int DEFAULT_MAX_OUTPUT_TOKENS = 4096;
  public static final BudgetPolicy NONE = builder().build();

  private final List<BudgetCap> caps;
  private final ZoneId zone;
  private final int defaultMaxOutputTokens;

  private BudgetPolicy(Builder b) {
    this.caps = List.copyOf(b.caps);
    this.zone = b.zone;
    this.defaultMaxOutputTokens = Checks.atLeast("budget.defaultMaxOutputTokens", b.defaultMaxOutputTokens, 1);
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<BudgetCap> caps() {
    return caps;
  }

  public ZoneId zone() {
    return zone;
  }

  /** Output tokens reserved when neither request nor variant sets a maximum. */
  public int defaultMaxOutputTokens() {
    return defaultMaxOutputTokens;
  }

  public boolean isEmpty() {
    return caps.isEmpty();
  }

  /** This policy with more caps. */
  public BudgetPolicy withCaps(List<BudgetCap> more) {
    Builder b = builder().zone(zone).defaultMaxOutputTokens(defaultMaxOutputTokens);
    caps.forEach(b::cap);
    more.forEach(b::cap);
    return b.build();
  }

  @Override
  public String toString() {
    return "BudgetPolicy" + caps + " in " + zone;
  }

  /** Builds a {@link BudgetPolicy}. */
  public static final class Builder {
    private final List<BudgetCap> caps = new ArrayList<>();
    private ZoneId zone = ZoneOffset.UTC;
    private int defaultMaxOutputTokens = DEFAULT_MAX_OUTPUT_TOKENS;

    private Builder() {}

    public Builder cap(BudgetCap cap) {
      caps.add(Objects.requireNonNull(cap, "cap"));
      return this;
    }

    /** The zone whose calendar days and months the periods follow; default UTC. */
    public Builder zone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    public Builder defaultMaxOutputTokens(int tokens) {
      this.defaultMaxOutputTokens = tokens;
      return this;
    }

    public BudgetPolicy build() {
      return new BudgetPolicy(this);
    }
  }
}
