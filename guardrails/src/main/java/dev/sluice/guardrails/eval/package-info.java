/** Measuring detectors on labelled files: readers for the common formats and the figures. */
@NullMarked
package dev.sluice.guardrails.eval;

import org.jspecify.annotations.NullMarked;
