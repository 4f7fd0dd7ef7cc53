package dev.sluice.rollout;

import org.jspecify.annotations.Nullable;
import java.time.Duration;
import java.time.Instant;

/**
 * How far the current stage has come, for a {@link StageGate}.
 *
 * @param route the route
 * @param plan the plan
 * @param stageIndex the stage's index
 * @param stage the stage
 * @param enteredAt when it began
 * @param now the time of the evaluation
 * @param candidateCalls candidate calls in this stage (shadow runs in a shadow stage)
 * @param expectedPercent the candidate's expected share of subjects, in percent: an operator's
 *     percent override when one is set, else the stage's
 * @param shadow what the shadow has seen (at a shadow stage), or null
 */
public record StageProgress(String route, RolloutPlan plan, int stageIndex, Stage stage, Instant enteredAt, Instant now,
    long candidateCalls, double expectedPercent, @Nullable ShadowStats shadow) {

  /** Progress without shadow statistics. */
  public StageProgress(String route, RolloutPlan plan, int stageIndex, Stage stage, Instant enteredAt, Instant now, long candidateCalls,
      double expectedPercent) {
    this(route, plan, stageIndex, stage, enteredAt, now, candidateCalls, expectedPercent, null);
  }

  /** Progress with the stage's own percentage expected (no operator override). */
  public StageProgress(String route, RolloutPlan plan, int stageIndex, Stage stage, Instant enteredAt, Instant now, long candidateCalls) {
    this(route, plan, stageIndex, stage, enteredAt, now, candidateCalls, stage.percent());
  }

  /** Whether the stage's minimum calls and minimum duration are met. */
  public boolean exposureMet() {
    return candidateCalls >= stage.minCandidateCalls() && !now.isBefore(enteredAt.plus(stage.minDuration()));
  }

  public Duration elapsed() {
    return Duration.between(enteredAt, now);
  }
}
