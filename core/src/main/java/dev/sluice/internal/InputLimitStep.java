package dev.sluice.internal;

import dev.sluice.Route;
import dev.sluice.model.ChatResponse;
import dev.sluice.outcome.CallRejectedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The first thing a call meets inside the record step: an input larger than the route's {@link
 * Route#maxInputChars()} is rejected before any guardrail, token count or model call spends time in
 * proportion to it; and the call's deadline starts here, so the input guardrails run within it too.
 */
public final class InputLimitStep implements StateStep {

  /** The {@link CallRejectedException#reason()} of an input over the limit. */
  public static final String REASON = "input_too_large";

  private final Route route;

  public InputLimitStep(Route route) {
    this.route = route;
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    long chars = call.request().inputChars();
    if (chars > route.maxInputChars()) {
      call.detail("input_chars", chars);
      return CompletableFuture.failedFuture(new CallRejectedException(REASON, "route '" + route.name() + "': the input has "
          + chars + " characters (messages, tool and response schemas), more than the route's maximum of "
          + route.maxInputChars() + "; raise it with Route.Builder.maxInputChars or max_input_chars"));
    }
    if (call.deadline() == null) {
      call.deadline(call.startedAt().plus(route.resilience().deadline()));
    }
    return next.proceed(call);
  }
}
