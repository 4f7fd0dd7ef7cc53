package dev.sluice.internal.guardrail;

import java.util.Objects;
import dev.sluice.outcome.GuardrailBlockedException;
import dev.sluice.Route;
import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.Guardrails;
import dev.sluice.guardrail.InputGuardrail;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.Role;
import dev.sluice.internal.StateChain;
import dev.sluice.internal.CallState;
import dev.sluice.internal.StateStep;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import dev.sluice.outcome.CallTimeoutException;
import dev.sluice.time.TimeSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs the route's input guardrails, in order, on the text of every message of the roles each is
 * registered for (system prompt, user turns, the assistant history, tool results), once per call
 * (never per retry), and on the values of the request's template variables as on a user turn,
 * within the call's deadline: a call whose deadline passed while its input was
 * checked ends with a {@link CallTimeoutException} before reaching the model. Rewrites replace the
 * message; a block or fallback result fails the call with {@link GuardrailBlockedException} whose
 * reason names the message (index and role), which the fallback chain may answer. The audit
 * event's guardrail results name the message too.
 */
public final class InputGuardrailStep implements StateStep {

  private final List<Guardrails.InputCheck> guardrails;
  private final GuardrailRecorder recorder;
  private final Route route;
  private final TimeSource time;

  public InputGuardrailStep(Route route, MeterRegistry meters, TimeSource time) {
    this.guardrails = route.guardrails().inputChecks();
    this.recorder = new GuardrailRecorder(route.name(), meters);
    this.route = route;
    this.time = time;
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    ChatRequest request = call.request();
    List<ChatMessage> messages = new ArrayList<>(request.messages());
    boolean changed = false;
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      Role role = m.role();
      String text = m.content();
      for (Guardrails.InputCheck check : guardrails) {
        if (!check.roles().contains(role)) {
          continue;
        }
        InputGuardrail g = check.guardrail();
        GuardrailResult r = g.check(text, role, call);
        recorder.record(call, "input", g.name(), r, i, role);
        switch (r.kind()) {
          case REWRITE -> {
            text = Objects.requireNonNull(r.text(), "rewrite text");
            changed = true;
          }
          case BLOCK, REPROMPT -> {
            return CompletableFuture.failedFuture(new GuardrailBlockedException(g.name(),
                "message " + i + " (" + role.wireName() + "): " + r.reason()));
          }
          default -> { }
        }
      }
      if (text != m.content()) {
        messages.set(i, m.withContent(text));
      }
    }
    // Template variables are the caller's data, put into the release's prompts: checked as a user turn is.
    java.util.Map<String, String> variables = request.variables();
    java.util.Map<String, String> checkedVariables = variables;
    for (java.util.Map.Entry<String, String> v : variables.entrySet()) {
      String text = v.getValue();
      for (Guardrails.InputCheck check : guardrails) {
        if (!check.roles().contains(Role.USER)) {
          continue;
        }
        InputGuardrail g = check.guardrail();
        GuardrailResult r = g.check(text, Role.USER, call);
        recorder.recordVariable(call, "input", g.name(), r, v.getKey());
        switch (r.kind()) {
          case REWRITE -> text = Objects.requireNonNull(r.text(), "rewrite text");
          case BLOCK, REPROMPT -> {
            return CompletableFuture.failedFuture(new GuardrailBlockedException(g.name(),
                "template variable '" + v.getKey() + "': " + r.reason()));
          }
          default -> { }
        }
      }
      if (text != v.getValue()) {
        if (checkedVariables == variables) {
          checkedVariables = new java.util.TreeMap<>(variables);
        }
        checkedVariables.put(v.getKey(), text);
        changed = true;
      }
    }
    if (call.nanosLeft(time.nanoTime()) <= 0) {
      return CompletableFuture.failedFuture(new CallTimeoutException("route '" + route.name() + "': the deadline of "
          + route.resilience().deadline().toMillis() + " ms passed while the input guardrails ran", route.resilience().deadline()));
    }
    if (changed) {
      ChatRequest.Builder rewritten = request.toBuilder().messages(messages);
      if (checkedVariables != variables) {
        checkedVariables.forEach(rewritten::variable); // the redacted values over the copied ones
      }
      call.request(rewritten.build());
    }
    return next.proceed(call);
  }
}
