/**
 * Tools for measuring Sluice, kept out of the library jars: the judge simulator (synthetic rollouts
 * through the real rollout ladder and judge) and, in {@code eval}, readers and figures for
 * labelled guardrail data.
 */
@NullMarked
package dev.sluice.testkit;

import org.jspecify.annotations.NullMarked;
