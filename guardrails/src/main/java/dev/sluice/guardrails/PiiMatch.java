package dev.sluice.guardrails;

/**
 * One piece of personal data found in a text.
 *
 * @param entity what it is
 * @param start its first character
 * @param end one past its last character
 * @param value the matched text
 */
public record PiiMatch(PiiEntity entity, int start, int end, String value) {}
