package dev.sluice.internal;

import dev.sluice.outcome.FallbackUse;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.internal.guardrail.GuardrailRecorder;
import dev.sluice.internal.rollout.AssignmentStep;
import dev.sluice.pipeline.CallListener;
import dev.sluice.judge.Judge;
import dev.sluice.pipeline.CallRecord;
import dev.sluice.rollout.Assignment;
import java.util.List;
import dev.sluice.outcome.Outcome;
import dev.sluice.outcome.SluiceException;
import dev.sluice.release.Variant;
import dev.sluice.audit.AuditEvent;
import dev.sluice.audit.AuditSink;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.pricing.Cost;
import dev.sluice.time.TimeSource;
import java.util.LinkedHashMap;
import dev.sluice.model.ToolCall;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outermost step: when the call ends, decides its outcome and latency, then records the call's
 * meters, one audit event and a log line. Whatever fails here is logged; it never changes what the
 * caller gets, and the audit event is never dropped silently.
 */
public final class RecordStep implements StateStep, Stages.After<CallMdc.Frames> {

  private static final Logger log = LoggerFactory.getLogger(RecordStep.class);

  private final RouteMeters meters;
  private final TimeSource time;
  private final AuditSink audit;
  private final boolean includeText;
  private final List<CallListener> listeners;
  private final CallMdc.Frames mdc;

  private final CallObservations observations;

  public RecordStep(RouteMeters meters, CallObservations observations, TimeSource time, AuditSink audit, boolean includeText, List<CallListener> listeners,
      CallMdc.Frames mdc) {
    this.mdc = mdc;
    this.observations = observations;
    this.meters = meters;
    this.time = time;
    this.audit = audit;
    this.includeText = includeText;
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    // The call's MDC from the start; the labels step adds the variant when it is assigned. A call
    // answered or failed at once (a full budget, a blocked prompt) is recorded while it is still set.
    io.micrometer.observation.Observation observation = observations.startCall(call);
    try (CallMdc ignored = CallMdc.open(call, mdc); io.micrometer.observation.Observation.Scope scope = observation.openScope()) {
      return Stages.after(next.proceed(call), call, mdc, 0, this);
    }
  }

  /** Finishes the call: outcome, meters, audit event, listeners. */
  @Override
  public void after(CallState call, CallMdc.Frames frames, long unused, @Nullable ChatResponse response, @Nullable Throwable failure) {
    SluiceException error = failure == null ? null : Failures.fromStep(failure);
    FallbackUse fallback = call.fallback();
    Outcome outcome = error != null ? error.outcome() : fallback != null ? Outcome.FALLBACK
        : response != null && response.finishReason() == FinishReason.REFUSAL ? Outcome.REFUSED : Outcome.SUCCESS;
    long latency = time.nanoTime() - call.startNanos();
    StreamOut stream = call.stream();
    if (stream != null) {
      // How far the caller had got when the call ended (the end of a successful stream follows this).
      call.detail("stream", java.util.Map.of("committed", stream.committed(), "delivered_chunks", stream.deliveredChunks(),
          "delivered_chars", stream.deliveredChars()));
    }
    call.finish(outcome, latency);
    Variant variant = call.labelledVariant();
    try (CallMdc ignored = CallMdc.open(call, mdc)) {
      try {
        meters.of(variant).recordCall(outcome, fallback == null ? MeterNames.NONE : fallback.kind(), latency, call.cost());
      } catch (RuntimeException e) {
        log.warn("could not record the meters of call {}", call.callId(), e);
      }
      try {
        observations.stopCall(call, variant, outcome, fallback == null ? null : fallback.kind(), error);
      } catch (RuntimeException e) {
        log.warn("could not end the observation of call {}", call.callId(), e);
      }
      AuditEvent event = null;
      try {
        event = auditEvent(call, variant, outcome, latency, response, error);
        audit.accept(event);
      } catch (RuntimeException e) {
        log.warn("audit sink failed; the event follows so that it is not lost: {}",
            event == null ? call : event.toJson(), e);
      }
      if (!listeners.isEmpty()) {
        CallRecord record = record(call, variant, outcome, latency, response, error);
        for (CallListener l : listeners) {
          try {
            l.onCall(record);
          } catch (RuntimeException e) {
            log.warn("call listener {} failed", l, e);
          }
        }
      }
      if (log.isDebugEnabled()) {
        log.debug("call {} on route {} ended {} after {} attempt(s) in {} ms, cost {}", call.callId(), call.route().name(),
            outcome.tag(), call.attempts(), latency / 1e6, call.cost());
      }
    }
  }

  private static CallRecord record(CallState call, Variant variant, Outcome outcome, long latency,
      @Nullable ChatResponse response, @Nullable SluiceException error) {
    Assignment a = call.get(AssignmentStep.ASSIGNMENT);
    FallbackUse f = call.fallback();
    return new CallRecord(call.startedAt(), call.route().name(), variant.id(), a != null && a.candidate(),
        a == null ? "none" : a.stage(), outcome, error instanceof ModelCallException m ? m.kind().tag() : null, latency,
        call.usage().totalTokens(), call.cost().usdOrNaN(), f == null ? null : f.kind(), call.request(), response, call.firstChunkNanos(),
        call.subject().routingKey().map(Judge::subjectGroup).orElse(-1), call.callId(), a == null ? "none" : a.reason(),
        a == null ? "" : a.segment(), outcome == Outcome.REFUSED || GuardrailRecorder.flagged(call, "refusal"));
  }

  private AuditEvent auditEvent(CallState call, Variant variant, Outcome outcome, long latency,
      @Nullable ChatResponse response, @Nullable SluiceException error) {
    Cost cost = call.cost();
    FallbackUse f = call.fallback();
    Map<String, String> fallback = null;
    if (f != null) {
      fallback = new LinkedHashMap<>();
      fallback.put("kind", f.kind());
      fallback.put("link", f.link());
      fallback.put("primary_outcome", f.primaryOutcome().tag());
      fallback.put("reason", f.reason());
    }
    if (response != null && !response.toolCalls().isEmpty()) {
      // What the model asked tools to do: names and argument sizes; the arguments are the user's business.
      List<Map<String, Object>> calls = new ArrayList<>(response.toolCalls().size());
      for (ToolCall c : response.toolCalls()) {
        calls.add(includeText ? Map.of("name", c.name(), "argument_chars", c.argumentsJson().length(), "arguments", c.argumentsJson())
            : Map.of("name", c.name(), "argument_chars", c.argumentsJson().length()));
      }
      call.detail("tool_calls", calls);
    }
    // What the answering variant's content hashes to: on the audit event only, never a meter tag.
    call.detail("release", variant.fingerprints());
    Map<String, String> err = null;
    if (error != null) {
      err = new LinkedHashMap<>();
      err.put("type", error.getClass().getSimpleName());
      err.put("message", String.valueOf(error.getMessage()));
    }
    // The values as held; the event computes their text (timestamp, fingerprints, cost, usage) when read.
    return new AuditEvent(
        call.startedAt(),
        call.callId(),
        call.route().name(),
        variant.id(),
        call.assignment(),
        variant.labels().asMap(),
        outcome.tag(),
        call.attempts(),
        latency / 1e6,
        call.subject().routingKey().orElse(null),
        call.subject().tenant().orElse(null),
        call.usage(),
        cost,
        fallback,
        err,
        call.request().messages().size(),
        call.request().totalChars(),
        call.request().messages(),
        response == null ? 0 : response.text().length(),
        response == null ? null : response.text(),
        includeText ? call.request().lastUserText() : null,
        includeText && response != null ? response.text() : null,
        call.details());
  }
}
