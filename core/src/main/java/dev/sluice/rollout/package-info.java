/**
 * Staged rollouts: cohorts and sticky assignment, rollout plans and their stages, rollout state,
 * toggles (kill switch, pin, percent, pause), shadow traffic and the offline gate.
 */
@NullMarked
package dev.sluice.rollout;

import org.jspecify.annotations.NullMarked;
