package dev.sluice.guardrails;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.Role;
import dev.sluice.pipeline.CallContext;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Blocks answers that leak the system prompt: one that contains the canary token planted in it, or
 * that shares at least {@code maxSharedNgrams} word 8-grams with it.
 *
 * <pre>{@code
 * String canary = "sluice-canary-7f3a";
 * Variant v = Variant.builder("v1").systemPrompt("... (" + canary + ") ...")...;
 * new SystemPromptLeak(canary, 3)
 * }</pre>
 */
public final class SystemPromptLeak implements OutputGuardrail {

  private static final int N = 8;

  private final String canary;
  private final int maxSharedNgrams;

  public SystemPromptLeak(String canary, int maxSharedNgrams) {
    this.canary = canary;
    this.maxSharedNgrams = maxSharedNgrams;
  }

  @Override
  public String name() {
    return "system-prompt-leak";
  }

  /** Judges any piece of an answer: on a stream, each piece before it reaches the caller. */
  @Override
  public boolean checksPartialText() {
    return true;
  }

  @Override
  public GuardrailResult check(ChatResponse response, CallContext call) {
    String answer = response.text();
    if (!canary.isEmpty() && answer.contains(canary)) {
      return GuardrailResult.block("the answer contains the system prompt's canary token");
    }
    String system = call.variant() == null ? null : call.variant().systemPrompt().orElse(null);
    if (system == null) {
      for (ChatMessage m : call.request().messages()) {
        if (m.role() == Role.SYSTEM) {
          system = m.content();
        }
      }
    }
    if (system == null) {
      return GuardrailResult.pass();
    }
    Set<String> grams = ngrams(system);
    int shared = 0;
    for (String g : ngrams(answer)) {
      if (grams.contains(g) && ++shared >= maxSharedNgrams) {
        return GuardrailResult.block("the answer repeats " + shared + "+ eight-word runs of the system prompt");
      }
    }
    return GuardrailResult.pass();
  }

  static Set<String> ngrams(String text) {
    String[] w = text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
    Set<String> out = new HashSet<>();
    for (int i = 0; i + N <= w.length; i++) {
      out.add(String.join(" ", java.util.Arrays.copyOfRange(w, i, i + N)));
    }
    return out;
  }
}
