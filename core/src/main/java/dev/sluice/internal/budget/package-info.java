/** The budget step and the meters of a Sluice instance's budgets. */
@NullMarked
package dev.sluice.internal.budget;

import org.jspecify.annotations.NullMarked;
