package dev.sluice.rollout;

/** What a stage of a rollout plan does. */
public enum StageKind {
  /** The candidate runs a golden set offline; no live traffic. Live stages wait for a passing gate report. */
  OFFLINE_GATE,
  /** Baseline answers every call; a sample also runs the candidate off the caller's path. */
  SHADOW,
  /** A small percentage of subjects gets the candidate. */
  CANARY,
  /** The subjects an attribute rule selects get the candidate (plus everyone who had it before). */
  COHORT,
  /** A percentage of subjects gets the candidate. */
  PERCENT,
  /** Everyone gets the candidate. */
  FULL
}
