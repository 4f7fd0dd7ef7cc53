/**
 * Sluice's public API: {@link dev.sluice.Sluice}, routes, variants, subjects, responses and the
 * exception hierarchy. Implementation lives in {@code dev.sluice.internal}.
 */
@NullMarked
package dev.sluice;

import org.jspecify.annotations.NullMarked;
