package dev.sluice.guardrails;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.InputGuardrail;
import dev.sluice.pipeline.CallContext;
import dev.sluice.tokens.TokenCounter;

/**
 * Blocks user messages longer than a number of tokens (counted with jtokkit for the variant's
 * model, an upper bound for unknown encodings) or characters.
 */
public final class TokenLimit implements InputGuardrail {

  private final long maxTokens;
  private final int maxChars;

  public TokenLimit(long maxTokens, int maxChars) {
    if (maxTokens < 1 || maxChars < 1) {
      throw new InvalidConfigurationException("tokenLimit", maxTokens + "/" + maxChars, "positive token and character limits");
    }
    this.maxTokens = maxTokens;
    this.maxChars = maxChars;
  }

  @Override
  public String name() {
    return "token-limit";
  }

  @Override
  public GuardrailResult check(String text, CallContext call) {
    if (text.length() > maxChars) {
      return GuardrailResult.block(text.length() + " characters, more than " + maxChars);
    }
    String model = call.variant() == null ? "unknown" : call.variant().model();
    long tokens = TokenCounter.shared().count(model, text);
    return tokens > maxTokens ? GuardrailResult.block(tokens + " tokens, more than " + maxTokens) : GuardrailResult.pass();
  }
}
