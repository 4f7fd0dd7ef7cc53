package dev.sluice.rollout;

import dev.sluice.internal.HumanDuration;
/**
 * Decides whether the current stage advances, holds or rolls back. The default,
 * {@link #EXPOSURE}, promotes once the stage's minimum calls and duration are met; the judge
 * replaces it with a statistical decision on live metrics.
 */
@FunctionalInterface
public interface StageGate {

  Verdict decide(StageProgress progress);

  /**
   * The candidate calls at a stage of the plan's route as this gate counts them, given the ones this instance
   * {@code counted}: a judge sharing evidence across a fleet counts every instance's. The default:
   * this instance's.
   */
  default long candidateCalls(RolloutPlan plan, String stage, long counted) {
    return counted;
  }

  /** Promote once minimum exposure is met; no metrics consulted. */
  StageGate EXPOSURE = p -> p.exposureMet()
      ? Verdict.promote("minimum exposure met: " + p.candidateCalls() + " candidate calls over " + HumanDuration.of(p.elapsed()))
      : Verdict.hold("waiting for minimum exposure: " + p.candidateCalls() + "/" + p.stage().minCandidateCalls()
          + " calls, " + HumanDuration.of(p.elapsed()) + "/" + HumanDuration.of(p.stage().minDuration()));

  /** Never promote on its own: stages advance only by hand. */
  StageGate MANUAL = p -> Verdict.hold("stages advance by hand");
}
