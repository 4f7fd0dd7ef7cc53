package dev.sluice;

import dev.sluice.release.Variant;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.outcome.SluiceException;
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

  /**
   * Runs the call on the route's variant with {@code variant}'s id through the attempt pipeline;
   * an id the route does not have is an {@link IllegalArgumentException}.
   */
  CompletionStage<ChatResponse> callVariant(Variant variant);
}
