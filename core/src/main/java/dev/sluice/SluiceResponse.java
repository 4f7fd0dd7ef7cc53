package dev.sluice;

import dev.sluice.release.VersionLabels;
import dev.sluice.outcome.FallbackUse;
import dev.sluice.outcome.Outcome;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.TokenUsage;
import dev.sluice.pricing.Cost;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a Sluice call answered, and what produced it: the variant and its version labels, how the
 * call ended, how many attempts it took, the tokens and dollars it used over every attempt, its
 * latency, and the fallback that answered if the variant could not.
 */
public final class SluiceResponse {

  private final String callId;
  private final String route;
  private final String variantId;
  private final VersionLabels labels;
  private final Outcome outcome;
  private final int attempts;
  private final ChatResponse chatResponse;
  private final TokenUsage usage;
  private final Cost cost;
  private final Duration latency;
  private final @Nullable FallbackUse fallback;

  public SluiceResponse(String callId, String route, String variantId, VersionLabels labels, Outcome outcome,
      int attempts, ChatResponse chatResponse, TokenUsage usage, Cost cost, Duration latency, @Nullable FallbackUse fallback) {
    this.callId = Objects.requireNonNull(callId);
    this.route = Objects.requireNonNull(route);
    this.variantId = Objects.requireNonNull(variantId);
    this.labels = Objects.requireNonNull(labels);
    this.outcome = Objects.requireNonNull(outcome);
    this.attempts = attempts;
    this.chatResponse = Objects.requireNonNull(chatResponse);
    this.usage = Objects.requireNonNull(usage);
    this.cost = Objects.requireNonNull(cost);
    this.latency = Objects.requireNonNull(latency);
    this.fallback = fallback;
  }

  /** The answer's text. */
  public String text() {
    return chatResponse.text();
  }

  /** The model's response as the client returned it (after output guardrails' rewrites). */
  public ChatResponse chatResponse() {
    return chatResponse;
  }

  public String callId() {
    return callId;
  }

  public String route() {
    return route;
  }

  /** The variant assignment picked for this call (also when a fallback answered). */
  public String variantId() {
    return variantId;
  }

  /** The version labels of that variant. */
  public VersionLabels labels() {
    return labels;
  }

  /**
   * {@link Outcome#SUCCESS}, {@link Outcome#REFUSED} (the text is the model's refusal) or {@link
   * Outcome#FALLBACK}: failures throw instead.
   */
  public Outcome outcome() {
    return outcome;
  }

  /** Model attempts made, fallback attempts included. */
  public int attempts() {
    return attempts;
  }

  /** Tokens used over every attempt. */
  public TokenUsage usage() {
    return usage;
  }

  /** Cost over every attempt; {@link Cost#UNKNOWN} when a model had no price. */
  public Cost cost() {
    return cost;
  }

  public Duration latency() {
    return latency;
  }

  /** The fallback that answered, if the variant could not. */
  public Optional<FallbackUse> fallback() {
    return Optional.ofNullable(fallback);
  }

  @Override
  public String toString() {
    return "SluiceResponse[" + callId + ", route=" + route + ", variant=" + variantId + ", outcome=" + outcome.tag()
        + ", attempts=" + attempts + ", usage=" + usage + ", cost=" + cost + ", latency=" + latency.toMillis() + "ms"
        + (fallback == null ? "" : ", fallback=" + fallback.kind()) + "]";
  }
}
