/** A model with no network and a seed, for tests, the demo, the judge simulator and benchmarks. */
@NullMarked
package dev.sluice.simulated;

import org.jspecify.annotations.NullMarked;
