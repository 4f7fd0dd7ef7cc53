/**
 * Sluice's public API entry: {@link dev.sluice.Sluice}, {@link dev.sluice.Route} and what composes
 * a route's pipeline ({@link dev.sluice.RolloutControl}, {@link dev.sluice.StepFactory}, the
 * fallback SPI), and the responses. The types every package names live below it, in
 * {@code outcome}, {@code release}, {@code subject} and {@code resilience}; implementation lives in
 * {@code dev.sluice.internal}.
 */
@NullMarked
package dev.sluice;

import org.jspecify.annotations.NullMarked;
