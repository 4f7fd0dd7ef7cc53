package dev.sluice;

import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallContext;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * One link of a route's fallback chain: which failures it handles and how it answers. Links run
 * in order within the call's remaining deadline; a link that fails hands over to the next. The
 * implementations (backup variant, cached answer, fixed answer, hand-off, rethrow) live in
 * {@code sluice-fallback}.
 *
 * <pre>{@code Route.builder("support-answer").baseline(v1).fallback(backup, cache, fixed).build()}</pre>
 */
public interface FallbackLink {

  /** Bounded kind, the {@code fallback} tag: {@code backup_variant}, {@code cache}, {@code fixed}, {@code hand_off}, {@code rethrow}. */
  String kind();

  /** The link's name within the chain. */
  String name();

  /** The failures it handles. */
  Set<FallbackTrigger> triggers();

  /** Whether it calls a model (and so needs time left before the deadline). */
  default boolean callsModel() {
    return false;
  }

  /** Answers in place of the failed call, or fails to hand over to the next link. */
  CompletionStage<ChatResponse> answer(FallbackRequest request);

  /**
   * Sees every answer the primary variant gave that passed the output guardrails, as the model
   * wrote it: before the guardrails rewrote it (so a PII vault's placeholders are still in it,
   * not the values one caller's vault restored). The cache stores it.
   */
  default void onPrimaryAnswer(CallContext call, ChatResponse response) {}

  /**
   * Whether this link answers with model output it stored earlier (a cache): the route's output
   * guardrails then check its answer before it is served, as they checked the original, and
   * rewrite it for this call (restoring this caller's placeholders). A block, or a reprompt (a
   * stored answer cannot be asked again), makes the link fail over to the next one.
   */
  default boolean replaysModelOutput() {
    return false;
  }
}
