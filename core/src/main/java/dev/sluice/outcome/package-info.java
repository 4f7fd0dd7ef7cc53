/**
 * How a call ended: its {@link dev.sluice.outcome.Outcome}, the exception for each failed outcome
 * ({@link dev.sluice.outcome.SluiceException} and its subclasses; the caller always gets an answer
 * or one of these), {@link dev.sluice.outcome.InvalidConfigurationException} for a wrong setting,
 * and the fallback that answered ({@link dev.sluice.outcome.FallbackUse}, triggered by a
 * {@link dev.sluice.outcome.FallbackTrigger}). Depends on nothing else of Sluice's.
 */
@NullMarked
package dev.sluice.outcome;

import org.jspecify.annotations.NullMarked;
