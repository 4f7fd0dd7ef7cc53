/** Measuring detectors on labelled files: readers for the common formats and the figures. */
@NullMarked
package dev.sluice.testkit.eval;

import org.jspecify.annotations.NullMarked;
