package dev.sluice.internal;

import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallChain;
import dev.sluice.pipeline.CallContext;
import dev.sluice.pipeline.CallStep;
import java.util.concurrent.CompletionStage;

/**
 * Sets the MDC while the rest of the pipeline starts, so log lines from guardrails, budget and
 * model clients carry the call's route, variant and labels. (Continuations on other threads set it
 * again where they log: the model call and the record step do.)
 */
public final class LabelsStep implements CallStep {

  private final CallMdc.Frames mdc;

  public LabelsStep(CallMdc.Frames mdc) {
    this.mdc = mdc;
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallContext call, CallChain next) {
    try (CallMdc ignored = CallMdc.open(call, mdc)) {
      return next.proceed(call);
    }
  }
}
