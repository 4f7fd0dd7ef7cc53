/**
 * The judge: anytime-valid comparisons of candidate and baseline on concurrent traffic, deciding
 * promote, hold or roll back at every look without inflating false alarms.
 */
@NullMarked
package dev.sluice.judge;

import org.jspecify.annotations.NullMarked;
