package dev.sluice.rollout;

import java.time.Instant;

/**
 * Where a rollout stands: its stage, since when, whether it is paused or rolled back and why, and
 * whether the offline gate passed. Saved to a {@link RolloutStateStore} on every change, so a
 * restarted service resumes where it was.
 *
 * @param stageIndex the current stage's index in the plan
 * @param enteredAt when the current stage began
 * @param paused whether automatic advancement is stopped
 * @param rolledBack whether the candidate was rolled back (it then gets no traffic)
 * @param reason why the last change happened
 * @param gatePassed whether a passing offline gate report was recorded
 */
public record RolloutState(int stageIndex, Instant enteredAt, boolean paused, boolean rolledBack, String reason,
    boolean gatePassed) {

  public static RolloutState start(Instant now) {
    return new RolloutState(0, now, false, false, "started", false);
  }

  /** This state moved to stage {@code index} at {@code now}. */
  public RolloutState at(int index, Instant now, String why) {
    return new RolloutState(index, now, paused, rolledBack, why, gatePassed);
  }

  /** This state paused or resumed. */
  public RolloutState paused(boolean p, String why) {
    return new RolloutState(stageIndex, enteredAt, p, rolledBack, why, gatePassed);
  }

  /** This state rolled back at {@code now}. */
  public RolloutState rolledBack(Instant now, String why) {
    return new RolloutState(stageIndex, now, paused, true, why, gatePassed);
  }

  /** This state with the offline gate's result. */
  public RolloutState gate(boolean passed, String why) {
    return new RolloutState(stageIndex, enteredAt, paused, rolledBack, why, passed);
  }
}
