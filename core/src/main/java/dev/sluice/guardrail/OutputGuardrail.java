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

  /**
   * Whether this guardrail can judge part of an answer: on a streamed call, such a guardrail checks
   * the text piece by piece before it reaches the caller (a block ends the stream, a rewrite
   * changes the piece); the others check the whole answer when the stream ends, when most of it
   * has been delivered (a block then ends the stream with an error; a rewrite or a reprompt cannot
   * change what was delivered and blocks instead). Default {@code false}: a JSON schema or a
   * refusal can only be judged whole.
   */
  default boolean checksPartialText() {
    return false;
  }
}
