package dev.sluice.internal.proxy;

import dev.sluice.SluiceCall;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallKey;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * What an attempt runs in place of a single model call: an {@code @LlmRoute} method's body. Put on
 * the call under {@link #KEY}; the innermost link of the pipeline runs it with the
 * attempt bound to the thread.
 */
public interface AttemptBody {

  /** The call key under which the body travels. */
  CallKey<AttemptBody> KEY = CallKey.of("attempt_body");

  /** Runs the body for one attempt; completes with its result (a method's {@code CompletionStage} unwrapped). */
  CompletionStage<?> run(SluiceCall attempt) throws Throwable;

  /**
   * The answer the pipeline's later steps (output guardrails, validation, audit) see for the
   * body's result.
   *
   * @param lastModelResponse the last response the body got through the attempt's client, if any
   */
  ChatResponse answer(@Nullable Object result, Attempt attempt, @Nullable ChatResponse lastModelResponse);

  /** Called with what the body threw, before Sluice turns it into its own failure. */
  void threw(Throwable failure);
}
