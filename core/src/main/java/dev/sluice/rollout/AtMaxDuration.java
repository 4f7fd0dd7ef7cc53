package dev.sluice.rollout;

/** What happens when a stage reaches its maximum duration without a decision. */
public enum AtMaxDuration {
  /** Stay at the stage. */
  HOLD,
  /** Roll the candidate back. */
  ROLLBACK,
  /** Stay, and raise an event for a person. */
  ESCALATE
}
