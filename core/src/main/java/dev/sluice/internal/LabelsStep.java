package dev.sluice.internal;

import dev.sluice.model.ChatResponse;
import java.util.concurrent.CompletionStage;

/**
 * Sets the MDC while the rest of the pipeline starts, so log lines from guardrails, budget and
 * model clients carry the call's route, variant and labels. (Continuations on other threads set it
 * again where they log: the model call and the record step do.)
 */
public final class LabelsStep implements StateStep {

  private final CallMdc.Frames mdc;

  public LabelsStep(CallMdc.Frames mdc) {
    this.mdc = mdc;
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    try (CallMdc ignored = CallMdc.open(call, mdc)) {
      return next.proceed(call);
    }
  }
}
