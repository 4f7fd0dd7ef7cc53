package dev.sluice.internal;

import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallChain;
import dev.sluice.pipeline.CallContext;
import dev.sluice.pipeline.CallStep;
import java.util.concurrent.CompletionStage;

/** Assigns every call to the route's baseline: the assignment of a route with no rollout. */
public final class BaselineAssignment implements CallStep {

  @Override
  public CompletionStage<ChatResponse> apply(CallContext call, CallChain next) {
    if (call.variant() == null) {
      call.variant(call.route().baseline());
      call.assignment("baseline");
    }
    return next.proceed(call);
  }
}
