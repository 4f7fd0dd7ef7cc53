/**
 * Budget caps that cannot be raced: before each attempt Sluice reserves its worst-case cost at
 * every applicable cap at once, all or none, and settles to the actual cost after.
 */
@NullMarked
package dev.sluice.budget;

import org.jspecify.annotations.NullMarked;
