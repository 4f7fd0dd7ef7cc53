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
 * Queues the request for a person through the application's callback and answers that it did,
 * with the ticket id: {@code "{ticket}"} in the message is replaced by it.
 *
 * <pre>{@code HandOffLink.of(req -> helpdesk.open(req.call().subject(), req.call().request()),
 *     "A person will follow up on this (ticket {ticket}).")}</pre>
 */
public final class HandOffLink implements FallbackLink {

  /** Queues a request for a person and returns the ticket id. */
  @FunctionalInterface
  public interface Queue {
    String enqueue(FallbackRequest request);
  }

  private final Queue queue;
  private final String message;
  private final Set<FallbackTrigger> triggers;

  private HandOffLink(Queue queue, String message, Set<FallbackTrigger> triggers) {
    this.queue = Objects.requireNonNull(queue, "queue");
    this.message = Objects.requireNonNull(message, "message");
    this.triggers = triggers;
  }

  public static HandOffLink of(Queue queue, String message) {
    return new HandOffLink(queue, message, FallbackTrigger.any());
  }

  public HandOffLink on(FallbackTrigger... triggers) {
    return new HandOffLink(queue, message, Triggers.of(triggers));
  }

  @Override
  public String kind() {
    return "hand_off";
  }

  @Override
  public String name() {
    return "hand_off";
  }

  @Override
  public Set<FallbackTrigger> triggers() {
    return triggers;
  }

  @Override
  public CompletionStage<ChatResponse> answer(FallbackRequest request) {
    String ticket = queue.enqueue(request);
    request.call().detail("hand_off_ticket", ticket);
    return CompletableFuture.completedFuture(new ChatResponse(message.replace("{ticket}", ticket), FinishReason.STOP,
        TokenUsage.ZERO, "sluice", "fallback:hand_off", List.of()));
  }
}
