package dev.sluice.fallback;

import dev.sluice.FallbackLink;
import dev.sluice.FallbackRequest;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.release.Variant;
import dev.sluice.model.ChatResponse;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Answers with another variant of the route (another model, another prompt), through the call's
 * attempt pipeline: its own breaker, bulkhead, budget reservation and labels, within the call's
 * deadline. The variant must be one of the route's variants.
 *
 * <pre>{@code BackupVariantLink.of(backup).on(FallbackTrigger.TIMEOUT, FallbackTrigger.CIRCUIT_OPEN)}</pre>
 */
public final class BackupVariantLink implements FallbackLink {

  private final Variant variant;
  private final Set<FallbackTrigger> triggers;

  private BackupVariantLink(Variant variant, Set<FallbackTrigger> triggers) {
    this.variant = variant;
    this.triggers = triggers;
  }

  /**
   * A backup for every failure but a guardrail block (the backup would likely be blocked too),
   * and for calls the kill switch sends to the fallback chain.
   */
  public static BackupVariantLink of(Variant variant) {
    return new BackupVariantLink(variant, Triggers.of(FallbackTrigger.TIMEOUT, FallbackTrigger.CIRCUIT_OPEN,
        FallbackTrigger.BUDGET_EXCEEDED, FallbackTrigger.RATE_LIMITED, FallbackTrigger.KILLED, FallbackTrigger.MODEL_ERROR));
  }

  /** This link for exactly these triggers. */
  public BackupVariantLink on(FallbackTrigger... triggers) {
    return new BackupVariantLink(variant, Triggers.of(triggers));
  }

  @Override
  public String kind() {
    return "backup_variant";
  }

  @Override
  public String name() {
    return "backup:" + variant.id();
  }

  @Override
  public Set<FallbackTrigger> triggers() {
    return triggers;
  }

  @Override
  public boolean callsModel() {
    return true;
  }

  @Override
  public CompletionStage<ChatResponse> answer(FallbackRequest request) {
    return request.callVariant(variant);
  }
}
