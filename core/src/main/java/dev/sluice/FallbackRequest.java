package dev.sluice;

import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallContext;
import java.util.concurrent.CompletionStage;

/**
 * What a fallback link gets: the call, why the primary failed, and a way to run another variant
 * through the call's attempt pipeline (its own retries, budget, breaker and timeout, under the
 * same deadline).
 */
public interface FallbackRequest {

  CallContext call();

  SluiceException failure();

  FallbackTrigger trigger();

  /** Runs the call on {@code variant} through the attempt pipeline. */
  CompletionStage<ChatResponse> callVariant(Variant variant);
}
