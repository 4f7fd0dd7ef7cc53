package dev.sluice.fallback;

import dev.sluice.FallbackLink;
import dev.sluice.FallbackRequest;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.model.ChatResponse;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Ends the chain with the primary failure for its triggers, so later links never answer them
 * (for example: a guardrail block must reach the caller, not the fixed answer).
 */
public final class RethrowLink implements FallbackLink {

  private final Set<FallbackTrigger> triggers;

  private RethrowLink(Set<FallbackTrigger> triggers) {
    this.triggers = triggers;
  }

  public static RethrowLink on(FallbackTrigger... triggers) {
    return new RethrowLink(Triggers.of(triggers));
  }

  @Override
  public String kind() {
    return "rethrow";
  }

  @Override
  public String name() {
    return "rethrow";
  }

  @Override
  public Set<FallbackTrigger> triggers() {
    return triggers;
  }

  @Override
  public CompletionStage<ChatResponse> answer(FallbackRequest request) {
    return CompletableFuture.failedFuture(request.failure());
  }
}
