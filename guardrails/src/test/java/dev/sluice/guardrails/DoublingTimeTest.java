package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.guardrail.InputGuardrail;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The input guardrails a route turns on for untrusted text (invisible text, PII and secret
 * redaction, prompt injection with its learned model) on every adversarial family of
 * {@link LinearTimeTest}, the input doubled from 10 KB to 1,280 KB: each doubling at most doubles
 * the time, with a tolerance of 1.5 for a noisy machine (a quadratic step is 4). The best of
 * several runs at each size; a step over the limit is measured again before it counts.
 */
class DoublingTimeTest {

  static final int FROM = 10 * 1024;
  static final int STEPS = 7;
  static final double LIMIT = 2 * 1.5;

  @Test
  @Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
  void eachDoublingOfTheInputAtMostDoublesTheTime() {
    List<InputGuardrail> guardrails = List.of(new InvisibleText(), Pii.redacting(), Secrets.redacting(), new PromptInjection());
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, IntFunction<String>> family : LinearTimeTest.families().entrySet()) {
      for (InputGuardrail g : guardrails) {
        LinearTimeTest.Check check = text -> g.check(text, LinearTimeTest.call());
        String previous = family.getValue().apply(FROM);
        LinearTimeTest.best(check, previous, 3);
        for (int step = 1; step <= STEPS; step++) {
          String next = family.getValue().apply(FROM << step);
          double ratio = 0;
          for (int round = 0; round < 4 && (round == 0 || ratio > LIMIT); round++) {
            long before = Math.max(LinearTimeTest.best(check, previous, 3), 20_000);
            long after = LinearTimeTest.best(check, next, 2);
            ratio = (double) after / before;
          }
          if (ratio > LIMIT) {
            failures.add(String.format("%s on %s, %d KB to %d KB: x%.1f", g.name(), family.getKey(), (FROM << (step - 1)) / 1024,
                (FROM << step) / 1024, ratio));
          }
          previous = next;
        }
      }
    }
    assertThat(failures).as("doublings that more than doubled the time").isEmpty();
  }
}
