package dev.sluice.guardrail;

import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallContext;

/**
 * Checks each attempt's answer inside the attempt loop, so a block or a reprompt is a failure
 * that retries, breakers and the judge see. A rewrite replaces the answer's text.
 */
public interface OutputGuardrail {

  /** A short, bounded name: the {@code guardrail} meter tag. */
  String name();

  GuardrailResult check(ChatResponse response, CallContext call);
}
