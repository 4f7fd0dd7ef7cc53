package dev.sluice.guardrails;

/**
 * One secret found in a text.
 *
 * @param rule the rule that found it, e.g. {@code aws-access-key-id}
 * @param start first character of the secret value
 * @param end one past its last character
 */
public record SecretMatch(String rule, int start, int end) {}
