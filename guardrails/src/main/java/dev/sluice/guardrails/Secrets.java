package dev.sluice.guardrails;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.InputGuardrail;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallContext;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Credential guardrails built on {@link SecretDetector}: redact secrets a user pasted into a
 * prompt (so they never reach the provider), or block an answer that leaks one.
 */
public final class Secrets {

  private Secrets() {}

  /** Input: replaces each secret with {@code <SECRET:rule>}. */
  public static InputGuardrail redacting() {
    SecretDetector detector = new SecretDetector();
    return new InputGuardrail() {
      @Override
      public String name() {
        return "secrets";
      }

      @Override
      public GuardrailResult check(String text, CallContext call) {
        List<SecretMatch> found = detector.find(text);
        if (found.isEmpty()) {
          return GuardrailResult.pass();
        }
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (SecretMatch m : found) {
          out.append(text, at, m.start()).append("<SECRET:").append(m.rule()).append('>');
          at = m.end();
        }
        out.append(text.substring(at));
        return GuardrailResult.rewrite(out.toString(),
            "redacted " + found.size() + " secret(s): " + found.stream().map(SecretMatch::rule).distinct().collect(Collectors.joining(",")));
      }
    };
  }

  /** Output: blocks an answer that contains a secret. */
  public static OutputGuardrail blockingLeaks() {
    SecretDetector detector = new SecretDetector();
    return new OutputGuardrail() {
      @Override
      public String name() {
        return "secrets-leak";
      }

      /** Judges any piece of an answer: on a stream, each piece before it reaches the caller. */
      @Override
      public boolean checksPartialText() {
        return true;
      }

      @Override
      public GuardrailResult check(ChatResponse response, CallContext call) {
        List<SecretMatch> found = detector.find(response.text());
        return found.isEmpty() ? GuardrailResult.pass()
            : GuardrailResult.block("the answer contains a credential (" + found.get(0).rule() + ")");
      }
    };
  }
}
