package dev.sluice.rollout;

import dev.sluice.release.Variant;
import java.util.Objects;

/**
 * What the rollout decided for one call: which variant, why, and what to do with it.
 *
 * @param variant the variant the call is labelled with; under a kill switch, the baseline
 * @param candidate whether it is the rollout's candidate
 * @param reason bounded: {@code baseline}, {@code candidate}, {@code pinned}, {@code killed},
 *     {@code rolled_back}, {@code allow_list}
 * @param stage the stage's name, or {@code none} without a rollout
 * @param action serve the variant, or what the kill switch says instead
 */
public record Assignment(Variant variant, boolean candidate, String reason, String stage, Action action) {

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
  }

  /** An assignment that serves its variant. */
  public Assignment(Variant variant, boolean candidate, String reason, String stage) {
    this(variant, candidate, reason, stage, Action.SERVE);
  }
}
