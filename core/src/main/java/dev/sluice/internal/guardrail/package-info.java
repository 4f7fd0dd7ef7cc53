/** The input and output guardrail steps. */
@NullMarked
package dev.sluice.internal.guardrail;

import org.jspecify.annotations.NullMarked;
