package dev.sluice.internal;

import dev.sluice.Route;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.outcome.CallRejectedException;
import dev.sluice.release.Variant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Right after assignment, on routes whose releases have prompt templates: the subject's attributes
 * ({@code tenant}, {@code region}, ...) become template variables where the request sets none, and
 * a variable the assigned release needs but the call does not give rejects the call ({@code
 * template_variable_missing}) before any guardrail, budget or model call spends on it.
 */
public final class TemplateStep implements StateStep {

  /** The {@link CallRejectedException#reason()} of a call that misses a template variable. */
  public static final String REASON = "template_variable_missing";

  private final Route route;

  public TemplateStep(Route route) {
    this.route = route;
  }

  /** Whether any variant of the route has a template variable: only then does the step run. */
  public static boolean applies(Route route) {
    return route.variants().values().stream().anyMatch(v -> !v.variables().isEmpty());
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    ChatRequest withSubject = call.request().withVariablesUnder(call.subject().attributes());
    if (withSubject != call.request()) {
      call.request(withSubject);
    }
    Variant v = call.requireVariant();
    String missing = v.missingVariable(call.request());
    if (missing != null) {
      call.detail("template_variable", missing);
      return CompletableFuture.failedFuture(new CallRejectedException(REASON, "route '" + route.name() + "', release '" + v.id()
          + "': the prompt template needs the variable '" + missing + "', which the call does not give; set it with "
          + "ChatRequest.builder().variable(\"" + missing + "\", ...) or as a subject attribute (given: "
          + call.request().variables().keySet() + ")"));
    }
    return next.proceed(call);
  }
}
