/** The assignment and shadow steps. */
@NullMarked
package dev.sluice.internal.rollout;

import org.jspecify.annotations.NullMarked;
