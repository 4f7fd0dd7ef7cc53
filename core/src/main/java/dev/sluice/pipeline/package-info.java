/**
 * The pipeline SPI: every concern of a call (recording, assignment, guardrails, budget, retries,
 * breakers, fallback, shadow) is a {@link dev.sluice.pipeline.CallStep} at a
 * {@link dev.sluice.pipeline.Phase}; one executor runs them in phase order around the model call.
 */
@NullMarked
package dev.sluice.pipeline;

import org.jspecify.annotations.NullMarked;
