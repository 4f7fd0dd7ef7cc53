package dev.sluice.guardrail;

import dev.sluice.model.Role;
import dev.sluice.pipeline.CallContext;

/**
 * Checks the text of each message of the roles it is registered for (see
 * {@link Guardrails.Builder#input(java.util.Set, InputGuardrail...)}) before any money is
 * reserved; never retried. A rewrite replaces the message's text. Implementations must be
 * thread-safe and fast (they run on the caller's thread).
 */
public interface InputGuardrail {

  /** A short, bounded name: the {@code guardrail} meter tag. */
  String name();

  GuardrailResult check(String text, CallContext call);

  /**
   * Checks the text of a message of {@code role}. The default ignores the role; a guardrail that
   * judges differently per role (a tool result may carry an instruction planted for the model, a
   * user message is expected to hold instructions) overrides this.
   */
  default GuardrailResult check(String text, Role role, CallContext call) {
    return check(text, call);
  }
}
