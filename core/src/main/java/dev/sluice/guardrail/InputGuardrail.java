package dev.sluice.guardrail;

import dev.sluice.pipeline.CallContext;

/**
 * Checks the text of each user message before any money is reserved; never retried. A rewrite
 * replaces the message's text. Implementations must be thread-safe and fast (they run on the
 * caller's thread).
 */
public interface InputGuardrail {

  /** A short, bounded name: the {@code guardrail} meter tag. */
  String name();

  GuardrailResult check(String text, CallContext call);
}
