package dev.sluice.internal;

import dev.sluice.model.ChatRequest;
import dev.sluice.model.TokenUsage;
import dev.sluice.tokens.TokenCounter;

/**
 * Whether a provider's reported usage is possible for the request it answered. A byte-level BPE
 * never makes more tokens than bytes, so the request's UTF-8 bytes (messages, tools, schema) bound
 * its input tokens; the requested maximum bounds the output. Twice the bound plus 1,024 tokens of
 * slack leaves room for providers' own framing and tokenizers; beyond that the figure is wrong or
 * hostile ($750,000 for one call was recorded before this check).
 */
final class UsageBounds {

  /** Small usage needs no pass over the request. */
  private static final long SURELY_PLAUSIBLE = 4096;
  private static final long SLACK = 1024;
  /** With no maximum output requested, no model writes more than this. */
  private static final long MAX_OUTPUT_UNBOUNDED = 1_000_000;

  private UsageBounds() {}

  static boolean plausible(ChatRequest request, TokenUsage usage) {
    Integer max = request.parameters().maxOutputTokens();
    long outputBound = max == null ? MAX_OUTPUT_UNBOUNDED : 2L * max + SLACK;
    if (usage.outputTokens() > outputBound) {
      return false;
    }
    if (usage.inputTokens() <= SURELY_PLAUSIBLE) {
      return true;
    }
    return usage.inputTokens() <= 2 * TokenCounter.shared().upperBound(request) + SLACK;
  }
}
