package dev.sluice.internal.guardrail;

import java.util.Objects;
import dev.sluice.outcome.GuardrailBlockedException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.Route;
import dev.sluice.internal.Stages;
import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallKey;
import dev.sluice.internal.StateChain;
import dev.sluice.internal.CallState;
import dev.sluice.internal.StateStep;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the route's output guardrails on each attempt's answer, inside the breaker and the retry
 * loop. A rewrite replaces the answer's text; a block fails the attempt with
 * {@link GuardrailBlockedException} (the breaker counts it); a reprompt fails the attempt with a
 * retryable {@link ModelCallException.Kind#BAD_OUTPUT} and adds its instruction to the request of
 * the next attempt, at most {@code maxReprompts} times per call.
 */
public final class OutputGuardrailStep implements StateStep, Stages.Check {

  /** Reprompts used so far by the call. */
  private static final CallKey<AtomicInteger> REPROMPTS = CallKey.of("reprompts");

  private final List<OutputGuardrail> guardrails;
  private final int maxReprompts;
  private final GuardrailRecorder recorder;

  public OutputGuardrailStep(Route route, MeterRegistry meters) {
    this.guardrails = route.guardrails().output();
    this.maxReprompts = route.guardrails().maxReprompts();
    this.recorder = new GuardrailRecorder(route.name(), meters);
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    return Stages.check(next.proceed(call), call, this);
  }

  /** Each output guardrail in order: a rewrite passes on, a block or a reprompt fails the attempt. */
  @Override
  public ChatResponse check(CallState call, ChatResponse response) {
    if (call.stream() != null) {
      return streamEnd(call, response);
    }
    call.modelAnswer(response);
    return checked(call, response, true);
  }

  /**
   * A streamed answer at its end: the guardrails that check partial text have seen it piece by
   * piece already; the others see it whole now. Before the call committed (everything was held
   * back), a reprompt is made as for a whole answer; a rewrite cannot change chunks already
   * delivered or queued, so it blocks, as a reprompt after the commit does.
   */
  private ChatResponse streamEnd(CallState call, ChatResponse response) {
    for (OutputGuardrail g : guardrails) {
      if (g.checksPartialText()) {
        continue;
      }
      GuardrailResult r = g.check(response, call);
      recorder.record(call, "output", g.name(), r);
      switch (r.kind()) {
        case BLOCK -> throw new GuardrailBlockedException(g.name(), r.reason());
        case REWRITE -> throw new GuardrailBlockedException(g.name(),
            "would rewrite a streamed answer, which cannot be changed once streamed: " + r.reason());
        case REPROMPT -> {
          if (call.streamCommitted()) {
            throw new GuardrailBlockedException(g.name(), "asked for a reprompt after the stream had started: " + r.reason());
          }
          reprompt(call, g, r, response);
        }
        default -> { }
      }
    }
    return response;
  }

  /**
   * A stored answer replayed by a fallback link, checked as an answer is: rewrites apply; a block
   * throws; a reprompt, which a stored answer cannot follow, blocks.
   */
  public ChatResponse replay(CallState call, ChatResponse stored) {
    return checked(call, stored, false);
  }

  private ChatResponse checked(CallState call, ChatResponse response, boolean mayReprompt) {
    ChatResponse current = response;
    for (OutputGuardrail g : guardrails) {
      GuardrailResult r = g.check(current, call);
      recorder.record(call, "output", g.name(), r);
      switch (r.kind()) {
        case REWRITE -> current = current.withText(Objects.requireNonNull(r.text(), "rewrite text"));
        case BLOCK -> throw new GuardrailBlockedException(g.name(), r.reason());
        case REPROMPT -> {
          if (!mayReprompt) {
            throw new GuardrailBlockedException(g.name(), "a stored answer failed the check and cannot be asked again");
          }
          reprompt(call, g, r, current);
        }
        default -> { }
      }
    }
    return current;
  }

  /** Adds the answer and the guardrail's instruction to the request, and fails the attempt so the next one asks again. */
  private void reprompt(CallState call, OutputGuardrail g, GuardrailResult r, ChatResponse current) {
    String instruction = Objects.requireNonNull(r.text(), "reprompt instruction");
    AtomicInteger used = call.computeIfAbsent(REPROMPTS, AtomicInteger::new);
    if (used.incrementAndGet() > maxReprompts) {
      throw new GuardrailBlockedException(g.name(), "still failing after " + maxReprompts + " reprompt(s): " + instruction);
    }
    ChatRequest req = call.request();
    call.request(req.toBuilder().assistant(current.text()).user(instruction).build());
    throw ModelCallException.of(ModelCallException.Kind.BAD_OUTPUT,
        "output guardrail '" + g.name() + "' asked for a reprompt (" + used.get() + "/" + maxReprompts + ")");
  }
}
