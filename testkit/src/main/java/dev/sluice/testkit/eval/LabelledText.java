package dev.sluice.testkit.eval;

/**
 * One labelled example.
 *
 * @param text the text
 * @param positive whether the detector should flag it
 */
public record LabelledText(String text, boolean positive) {}
