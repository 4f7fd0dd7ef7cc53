package dev.sluice.rollout;

import dev.sluice.release.Variant;
import java.util.Objects;

/**
 * What the rollout decided for one call: which variant, why, and what to do with it.
 *
 * @param variant the variant the call is labelled with; under a kill switch, the baseline
 * @param candidate whether it is the rollout's candidate
 * @param reason bounded: {@code baseline} and {@code candidate} (by the subject's bucket),
 *     {@code cohort} (a subject of a cohort stage's cohort, served the candidate), {@code holdback}
 *     (a subject of the cohort kept on the baseline to compare with), {@code ineligible} (denied, or
 *     outside the plan's eligibility), {@code pinned}, {@code killed}, {@code rolled_back},
 *     {@code allow_list}; only the first four are random and compared by the judge
 * @param stage the stage's name, or {@code none} without a rollout
 * @param action serve the variant, or what the kill switch says instead
 * @param segment the subject's segment when the plan declares {@link Segments}, else the empty string
 */
public record Assignment(Variant variant, boolean candidate, String reason, String stage, Action action, String segment) {

  /** What the call does with its assignment. */
  public enum Action {
    /** Call the variant. */
    SERVE,
    /** The kill switch is on and sends calls to the baseline, which is called. */
    KILL_TO_BASELINE,
    /** The kill switch is on and sends calls to the route's fallback chain; no model is called first. */
    KILL_TO_FALLBACK,
    /** The kill switch sends calls to a fallback chain the route does not have: the call is rejected. */
    REJECT
  }

  public Assignment {
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(segment, "segment");
  }

  /** An assignment outside any segment. */
  public Assignment(Variant variant, boolean candidate, String reason, String stage, Action action) {
    this(variant, candidate, reason, stage, action, "");
  }

  /** Whether the reason is a random one the judge compares: the subject's bucket, or the cohort and its holdback. */
  public static boolean randomized(String reason) {
    return switch (reason) {
      case "baseline", "candidate", "cohort", "holdback" -> true;
      default -> false;
    };
  }

  /** An assignment that serves its variant. */
  public Assignment(Variant variant, boolean candidate, String reason, String stage) {
    this(variant, candidate, reason, stage, Action.SERVE, "");
  }
}
