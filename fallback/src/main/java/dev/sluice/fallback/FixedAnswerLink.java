package dev.sluice.fallback;

import dev.sluice.FallbackLink;
import dev.sluice.FallbackRequest;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.TokenUsage;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A per-route answer for when nothing else can answer ("I can't answer right now; here is how to
 * reach us"). The response names {@code sluice} as provider and {@code fallback:fixed} as model,
 * and the call is labelled {@code fallback=fixed}, so no one mistakes it for a model's answer.
 */
public final class FixedAnswerLink implements FallbackLink {

  private final String text;
  private final Set<FallbackTrigger> triggers;

  private FixedAnswerLink(String text, Set<FallbackTrigger> triggers) {
    this.text = Objects.requireNonNull(text, "text");
    this.triggers = triggers;
  }

  /** The answer, for every trigger. */
  public static FixedAnswerLink of(String text) {
    return new FixedAnswerLink(text, FallbackTrigger.any());
  }

  public FixedAnswerLink on(FallbackTrigger... triggers) {
    return new FixedAnswerLink(text, Triggers.of(triggers));
  }

  @Override
  public String kind() {
    return "fixed";
  }

  @Override
  public String name() {
    return "fixed";
  }

  @Override
  public Set<FallbackTrigger> triggers() {
    return triggers;
  }

  @Override
  public CompletionStage<ChatResponse> answer(FallbackRequest request) {
    return CompletableFuture.completedFuture(
        new ChatResponse(text, FinishReason.STOP, TokenUsage.ZERO, "sluice", "fallback:fixed", List.of()));
  }
}
