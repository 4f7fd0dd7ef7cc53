/**
 * Time as Sluice sees it: the wall clock, a monotonic ticker and a scheduler in one
 * {@link dev.sluice.time.TimeSource}, so tests, the simulator and the demo run in simulated time.
 */
@NullMarked
package dev.sluice.time;

import org.jspecify.annotations.NullMarked;
