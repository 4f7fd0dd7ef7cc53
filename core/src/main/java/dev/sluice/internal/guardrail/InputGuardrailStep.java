package dev.sluice.internal.guardrail;

import java.util.Objects;
import dev.sluice.outcome.GuardrailBlockedException;
import dev.sluice.Route;
import dev.sluice.guardrail.GuardrailResult;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs the route's input guardrails, in order, on the text of every user message, once per call
 * (never per retry). Rewrites replace the message; a block or fallback result fails the call with
 * {@link GuardrailBlockedException}, which the fallback chain may answer.
 */
public final class InputGuardrailStep implements StateStep {

  private final List<InputGuardrail> guardrails;
  private final GuardrailRecorder recorder;

  public InputGuardrailStep(Route route, MeterRegistry meters) {
    this.guardrails = route.guardrails().input();
    this.recorder = new GuardrailRecorder(route.name(), meters);
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    ChatRequest request = call.request();
    List<ChatMessage> messages = new ArrayList<>(request.messages());
    boolean changed = false;
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      if (m.role() != Role.USER) {
        continue;
      }
      String text = m.content();
      for (InputGuardrail g : guardrails) {
        GuardrailResult r = g.check(text, call);
        recorder.record(call, "input", g.name(), r);
        switch (r.kind()) {
          case REWRITE -> {
            text = Objects.requireNonNull(r.text(), "rewrite text");
            changed = true;
          }
          case BLOCK, REPROMPT -> {
            return CompletableFuture.failedFuture(new GuardrailBlockedException(g.name(), r.reason()));
          }
          default -> { }
        }
      }
      messages.set(i, new ChatMessage(m.role(), text));
    }
    if (changed) {
      call.request(request.toBuilder().messages(messages).build());
    }
    return next.proceed(call);
  }
}
