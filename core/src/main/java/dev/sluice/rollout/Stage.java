package dev.sluice.rollout;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.internal.Checks;
import java.time.Duration;
import java.util.Objects;

/**
 * One step of a rollout plan: who gets the candidate, and the minimum exposure and time before it
 * may advance. Immutable; the {@code with*} methods return a copy. The factories give live stages a
 * minimum exposure ({@link #defaultMinCalls}, {@link #defaultMinDuration}); {@code minCalls(0)} and
 * {@code minDuration(Duration.ZERO)} say explicitly that a stage needs none.
 *
 * <pre>{@code Stage.canary(1.0).minCalls(500).minDuration(Duration.ofHours(2)).maxDuration(Duration.ofHours(24), AtMaxDuration.ESCALATE)}</pre>
 *
 * @param name a short name, unique in the plan, used as the {@code stage} meter tag
 * @param kind what the stage does
 * @param percent the candidate's share of subjects, 0 to 100 (canary and percent stages; 100 for full)
 * @param cohort the subjects a cohort stage selects
 * @param shadowSampleRate the share of baseline calls that also run the candidate in the shadow (shadow stage)
 * @param minCandidateCalls candidate calls (shadow runs for a shadow stage) needed before advancing
 * @param minDuration time at the stage before advancing
 * @param maxDuration time at the stage after which {@code atMax} applies
 * @param atMax what happens at the maximum duration
 */
public record Stage(String name, StageKind kind, double percent, CohortRule cohort, double shadowSampleRate,
    long minCandidateCalls, Duration minDuration, Duration maxDuration, AtMaxDuration atMax) {

  public Stage {
    Checks.id("stage.name", name);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(cohort, "cohort");
    String f = "stage[" + name + "]";
    if (!(percent >= 0 && percent <= 100)) {
      throw new InvalidConfigurationException(f + ".percent", percent, "a percentage from 0 to 100 (0.001 steps)");
    }
    if ((kind == StageKind.CANARY || kind == StageKind.PERCENT) && percent <= 0) {
      throw new InvalidConfigurationException(f + ".percent", percent, "more than 0 for a " + kind + " stage");
    }
    if (kind == StageKind.COHORT && cohort.isEmpty()) {
      throw new InvalidConfigurationException(f + ".cohort", "a cohort stage needs a rule (tenants, regions, plans or internal)");
    }
    Checks.fraction(f + ".shadowSampleRate", shadowSampleRate);
    if (minCandidateCalls < 0) {
      throw new InvalidConfigurationException(f + ".minCandidateCalls", minCandidateCalls, "zero or more");
    }
    if (minDuration.isNegative()) {
      throw new InvalidConfigurationException(f + ".minDuration", minDuration, "zero or a positive duration");
    }
    if (maxDuration.compareTo(minDuration) < 0) {
      throw new InvalidConfigurationException(f + ".maxDuration", maxDuration, "at least minDuration " + minDuration);
    }
    Objects.requireNonNull(atMax, "atMax");
  }

  /**
   * Candidate calls a live stage needs by default before it may advance (canary and cohort 500,
   * percent 1,000; shadow 200 shadow runs; full and the offline gate none): enough for the judge to
   * show a healthy release within its margins on typical traffic, and for a regression to show.
   */
  public static long defaultMinCalls(StageKind kind) {
    return switch (kind) {
      case CANARY, COHORT -> 500;
      case PERCENT -> 1000;
      case SHADOW -> 200;
      case FULL, OFFLINE_GATE -> 0;
    };
  }

  /**
   * Time a stage needs by default before it may advance: 10 minutes for canary, cohort and percent
   * stages (so that one burst of traffic is not the whole evidence), none for the others.
   */
  public static Duration defaultMinDuration(StageKind kind) {
    return switch (kind) {
      case CANARY, COHORT, PERCENT -> Duration.ofMinutes(10);
      case SHADOW, FULL, OFFLINE_GATE -> Duration.ZERO;
    };
  }

  private static Stage of(String name, StageKind kind, double percent, CohortRule cohort, double shadow) {
    return new Stage(name, kind, percent, cohort, shadow, defaultMinCalls(kind), defaultMinDuration(kind), ChronoForever.FOREVER,
        AtMaxDuration.HOLD);
  }

  public static Stage offlineGate() {
    return of("offline-gate", StageKind.OFFLINE_GATE, 0, CohortRule.NOBODY, 0);
  }

  public static Stage shadow(double sampleRate) {
    return of("shadow", StageKind.SHADOW, 0, CohortRule.NOBODY, sampleRate);
  }

  public static Stage canary(double percent) {
    return of("canary", StageKind.CANARY, percent, CohortRule.NOBODY, 0);
  }

  public static Stage cohort(String name, CohortRule rule) {
    return of(name, StageKind.COHORT, 0, rule, 0);
  }

  public static Stage percent(double percent) {
    return of("percent-" + trim(percent), StageKind.PERCENT, percent, CohortRule.NOBODY, 0);
  }

  public static Stage full() {
    return of("full", StageKind.FULL, 100, CohortRule.NOBODY, 0);
  }

  public Stage named(String newName) {
    return new Stage(newName, kind, percent, cohort, shadowSampleRate, minCandidateCalls, minDuration, maxDuration, atMax);
  }

  public Stage minCalls(long calls) {
    return new Stage(name, kind, percent, cohort, shadowSampleRate, calls, minDuration, maxDuration, atMax);
  }

  public Stage minDuration(Duration d) {
    Duration max = maxDuration.compareTo(d) < 0 ? d : maxDuration;
    return new Stage(name, kind, percent, cohort, shadowSampleRate, minCandidateCalls, d, max, atMax);
  }

  public Stage maxDuration(Duration d, AtMaxDuration action) {
    return new Stage(name, kind, percent, cohort, shadowSampleRate, minCandidateCalls, minDuration, d, action);
  }

  /** Whether live traffic reaches the candidate at this stage. */
  public boolean isLive() {
    return kind != StageKind.OFFLINE_GATE && kind != StageKind.SHADOW;
  }

  private static String trim(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p).replace('.', '_');
  }

  /** A maximum duration that never comes. */
  static final class ChronoForever {
    static final Duration FOREVER = Duration.ofDays(36_500);

    private ChronoForever() {}
  }
}
