/**
 * Sluice's fallback implementations. Core defines the interfaces and runs them as pipeline steps; this
 * module holds the implementations so an application adds only what it uses.
 */
@NullMarked
package dev.sluice.fallback;

import org.jspecify.annotations.NullMarked;
