package dev.sluice.rollout;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.internal.Checks;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a candidate variant of a route moves from an offline check to full traffic, in explicit
 * stages that never skip; plus the rollout note around it: what changes, who owns it, the
 * expected gain, the metrics and their margins, the rollback triggers and the dashboard query.
 * Build it in code or read it from a JSON or YAML note with {@link RolloutNotes}.
 *
 * <pre>{@code
 * RolloutPlan plan = RolloutPlan.builder("support-answer", "v8")
 *     .salt("support-v8")
 *     .stage(Stage.offlineGate())
 *     .stage(Stage.shadow(0.2).minCalls(200))
 *     .stage(Stage.canary(1).minCalls(500))
 *     .stage(Stage.cohort("tenant-acme", CohortRule.builder().tenants("acme").build()))
 *     .stage(Stage.percent(10)).stage(Stage.percent(50)).stage(Stage.full())
 *     .margin(new MetricMargin("error_rate", 0.5))
 *     .owner("support-platform").change("new prompt v8 on gpt-4.1-mini")
 *     .build();
 * }</pre>
 */
public final class RolloutPlan {

  private final String route;
  private final String candidate;
  private final String salt;
  private final @Nullable CohortRule eligibility;
  private final Set<String> allow;
  private final Set<String> deny;
  private final List<Stage> stages;
  private final List<MetricMargin> margins;
  private final String change;
  private final String owner;
  private final String expectedGain;
  private final List<String> rollbackTriggers;
  private final List<GuardRule> guardRules;
  private final String dashboardQuery;
  private final double cohortHoldback;
  private final @Nullable Segments segments;

  /** The share of a cohort stage's subjects kept on the baseline by default, in percent. */
  public static final double DEFAULT_COHORT_HOLDBACK = 10;
  /** The largest cohort holdback, in percent. */
  public static final double MAX_COHORT_HOLDBACK = 50;

  private RolloutPlan(Builder b) {
    this.route = Checks.id("rollout.route", b.route);
    this.candidate = Checks.id("rollout.candidate", b.candidate);
    this.salt = b.salt == null || b.salt.isBlank() ? route + "." + candidate : b.salt;
    this.eligibility = b.eligibility;
    this.allow = Set.copyOf(b.allow);
    this.deny = Set.copyOf(b.deny);
    this.stages = List.copyOf(b.stages);
    this.margins = List.copyOf(b.margins);
    this.change = b.change;
    this.owner = b.owner;
    this.expectedGain = b.expectedGain;
    this.rollbackTriggers = List.copyOf(b.rollbackTriggers);
    List<GuardRule> rules = new ArrayList<>();
    for (int i = 0; i < rollbackTriggers.size(); i++) {
      rules.add(GuardRule.parse(rollbackTriggers.get(i), "rollback_triggers[" + i + "]"));
    }
    this.guardRules = List.copyOf(rules);
    this.dashboardQuery = b.dashboardQuery;
    if (!(b.cohortHoldback >= 0 && b.cohortHoldback <= MAX_COHORT_HOLDBACK)) {
      throw new InvalidConfigurationException("rollout.cohort_holdback", b.cohortHoldback,
          "a percentage from 0 to " + MAX_COHORT_HOLDBACK + " of a cohort's subjects kept on the baseline");
    }
    this.cohortHoldback = b.cohortHoldback;
    this.segments = b.segments;
    validate();
  }

  private void validate() {
    if (stages.isEmpty()) {
      throw new InvalidConfigurationException("rollout.stages", "a plan needs at least one stage, ending with full");
    }
    Set<String> names = new HashSet<>();
    double lastPercent = 0;
    boolean live = false;
    for (int i = 0; i < stages.size(); i++) {
      Stage s = stages.get(i);
      String f = "rollout.stages[" + i + "]";
      if (!names.add(s.name())) {
        throw new InvalidConfigurationException(f + ".name", s.name(), "a name not used by another stage");
      }
      if (s.kind() == StageKind.OFFLINE_GATE && i != 0) {
        throw new InvalidConfigurationException(f + ".kind", s.kind(), "offline_gate only as the first stage");
      }
      if (s.kind() == StageKind.SHADOW && live) {
        throw new InvalidConfigurationException(f + ".kind", s.kind(), "shadow only before the live stages");
      }
      if (s.kind() == StageKind.FULL && i != stages.size() - 1) {
        throw new InvalidConfigurationException(f + ".kind", s.kind(), "full only as the last stage");
      }
      if (s.kind() == StageKind.CANARY || s.kind() == StageKind.PERCENT) {
        if (s.percent() < lastPercent) {
          throw new InvalidConfigurationException(f + ".percent", s.percent(),
              "at least the previous stage's " + lastPercent + "%: a rollout only adds subjects");
        }
        lastPercent = s.percent();
      }
      live |= s.isLive();
    }
  }

  /**
   * This plan for another candidate of the route: the same stages, margins, rules and note, with
   * the candidate and the salt replaced (a new salt gives the new candidate its own subjects and
   * its own evidence). How a published release rolls out under the route's plan.
   */
  public RolloutPlan forCandidate(String newCandidate, String newSalt) {
    Builder b = new Builder(route, newCandidate).salt(newSalt).eligibility(eligibility).segments(segments)
        .change(change).owner(owner).expectedGain(expectedGain).dashboardQuery(dashboardQuery).cohortHoldback(cohortHoldback);
    b.allow.addAll(allow);
    b.deny.addAll(deny);
    b.stages.addAll(stages);
    b.margins.addAll(margins);
    b.rollbackTriggers.addAll(rollbackTriggers);
    return b.build();
  }

  public static Builder builder(String route, String candidate) {
    return new Builder(route, candidate);
  }

  public String route() {
    return route;
  }

  /** The id of the candidate variant. */
  public String candidate() {
    return candidate;
  }

  /** The assignment salt, kept across every stage of this rollout. */
  public String salt() {
    return salt;
  }

  /** If set, only subjects it matches can ever get the candidate. */
  public @Nullable CohortRule eligibility() {
    return eligibility;
  }

  /** Routing keys that always get the candidate from the first live stage. */
  public Set<String> allow() {
    return allow;
  }

  /** Routing keys that never get the candidate. */
  public Set<String> deny() {
    return deny;
  }

  public List<Stage> stages() {
    return stages;
  }

  public Stage stage(int index) {
    return stages.get(index);
  }

  public List<MetricMargin> margins() {
    return margins;
  }

  public String change() {
    return change;
  }

  public String owner() {
    return owner;
  }

  public String expectedGain() {
    return expectedGain;
  }

  public List<String> rollbackTriggers() {
    return rollbackTriggers;
  }

  /** The rollback triggers as rules the judge checks. */
  public List<GuardRule> guardRules() {
    return guardRules;
  }

  public String dashboardQuery() {
    return dashboardQuery;
  }

  /**
   * The share of a cohort stage's subjects, in percent, that stays on the baseline while the
   * cohort is served the candidate (the subjects in the top buckets, the same at every stage): the
   * judge compares the candidate within the cohort against this holdback, never against subjects
   * outside it, who may differ. A percent stage that reaches a held-back subject's bucket serves it
   * the candidate like everyone else. Default {@link #DEFAULT_COHORT_HOLDBACK}; 0 leaves a cohort
   * stage nothing to compare its cohort with (its calls are then judged by the rollback triggers only).
   */
  public double cohortHoldback() {
    return cohortHoldback;
  }

  /** The important segments judged on their own as well as overall, or null. */
  public @Nullable Segments segments() {
    return segments;
  }

  @Override
  public String toString() {
    return "RolloutPlan[" + route + " -> " + candidate + ", stages=" + stages.stream().map(Stage::name).toList() + "]";
  }

  /** Builds a {@link RolloutPlan}; {@link #build()} checks the stage order. */
  public static final class Builder {
    private final String route;
    private final String candidate;
    private @Nullable String salt;
    private @Nullable CohortRule eligibility;
    private final Set<String> allow = new HashSet<>();
    private final Set<String> deny = new HashSet<>();
    private final List<Stage> stages = new ArrayList<>();
    private final List<MetricMargin> margins = new ArrayList<>();
    private String change = "";
    private String owner = "";
    private String expectedGain = "";
    private final List<String> rollbackTriggers = new ArrayList<>();
    private String dashboardQuery = "";
    private double cohortHoldback = DEFAULT_COHORT_HOLDBACK;
    private @Nullable Segments segments;

    private Builder(String route, String candidate) {
      this.route = route;
      this.candidate = candidate;
    }

    public Builder salt(String salt) {
      this.salt = salt;
      return this;
    }

    public Builder eligibility(@Nullable CohortRule rule) {
      this.eligibility = rule;
      return this;
    }

    public Builder allow(String... routingKeys) {
      allow.addAll(List.of(routingKeys));
      return this;
    }

    public Builder deny(String... routingKeys) {
      deny.addAll(List.of(routingKeys));
      return this;
    }

    public Builder stage(Stage stage) {
      stages.add(Objects.requireNonNull(stage, "stage"));
      return this;
    }

    public Builder margin(MetricMargin margin) {
      margins.add(Objects.requireNonNull(margin, "margin"));
      return this;
    }

    public Builder change(String change) {
      this.change = Objects.requireNonNull(change, "change");
      return this;
    }

    public Builder owner(String owner) {
      this.owner = Objects.requireNonNull(owner, "owner");
      return this;
    }

    public Builder expectedGain(String expectedGain) {
      this.expectedGain = Objects.requireNonNull(expectedGain, "expectedGain");
      return this;
    }

    /**
     * A deterministic rollback rule the judge checks beside its statistics (see {@link GuardRule}
     * for the forms, e.g. {@code "error_rate > 2% for 5m"} or {@code "cost_per_call > 1.3x baseline"}).
     *
     * @throws InvalidConfigurationException when the rule cannot be read
     */
    public Builder rollbackTrigger(String trigger) {
      GuardRule.parse(Objects.requireNonNull(trigger, "trigger"), "rollback_triggers[" + rollbackTriggers.size() + "]");
      rollbackTriggers.add(trigger);
      return this;
    }

    public Builder dashboardQuery(String query) {
      this.dashboardQuery = Objects.requireNonNull(query, "dashboardQuery");
      return this;
    }

    /** The share of a cohort's subjects kept on the baseline, in percent (see {@link RolloutPlan#cohortHoldback()}). */
    public Builder cohortHoldback(double percent) {
      this.cohortHoldback = percent;
      return this;
    }

    /** Segments judged on their own as well as overall (see {@link Segments}). */
    public Builder segments(@Nullable Segments segments) {
      this.segments = segments;
      return this;
    }

    public RolloutPlan build() {
      return new RolloutPlan(this);
    }
  }
}
