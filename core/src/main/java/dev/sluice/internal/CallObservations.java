package dev.sluice.internal;

import static dev.sluice.internal.MeterNames.*;

import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ModelParameters;
import dev.sluice.outcome.Outcome;
import dev.sluice.pipeline.CallKey;
import dev.sluice.release.Variant;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The call's observations (Micrometer's Observation API, which a tracing bridge turns into spans):
 * one {@value #CALL} observation per call and, inside it, one {@value #ATTEMPT} observation per
 * model request, named {@code chat <model>} as the GenAI span conventions ask. Attributes that take
 * few values (operation, provider, requested model, server, route, variant, version labels,
 * outcome, error type) are low-cardinality key values; usage, response model, finish reasons and
 * request parameters are high-cardinality ones (spans only: a meter handler never makes them tags).
 * No prompt or answer text is ever an attribute.
 *
 * <p>With no observation registry (the default), every method is a no-op costing one field read.
 */
public final class CallObservations {

  /** The name of a call's observation. */
  public static final String CALL = "sluice.call";
  /** The name of a model request's observation, the one Spring AI gives its chat model calls too. */
  public static final String ATTEMPT = "gen_ai.client.operation";

  static final CallKey<Observation> CALL_OBSERVATION = CallKey.of("sluice.observation");

  private final ObservationRegistry registry;

  public CallObservations(ObservationRegistry registry) {
    this.registry = registry;
  }

  /** Whether observations are off, so callers can skip building anything. */
  boolean off() {
    return registry.isNoop();
  }

  /** Starts the call's observation, a child of the observation current on the calling thread. */
  Observation startCall(CallState call) {
    if (off()) {
      return Observation.NOOP;
    }
    Observation o = Observation.createNotStarted(CALL, registry)
        .contextualName("sluice " + call.route().name())
        .parentObservation(registry.getCurrentObservation())
        .lowCardinalityKeyValue(ROUTE, call.route().name())
        .start();
    call.put(CALL_OBSERVATION, o);
    return o;
  }

  /** Ends the call's observation with the variant that answered, its labels and its outcome. */
  void stopCall(CallState call, Variant variant, Outcome outcome, @Nullable String fallbackKind, @Nullable Throwable error) {
    Observation o = call.get(CALL_OBSERVATION);
    if (o == null) {
      return;
    }
    o.lowCardinalityKeyValue(VARIANT, variant.id())
        .lowCardinalityKeyValue(OUTCOME, outcome.tag())
        .lowCardinalityKeyValue(FALLBACK, fallbackKind == null ? NONE : fallbackKind)
        .highCardinalityKeyValue("sluice.call.id", call.callId())
        .highCardinalityKeyValue("sluice.attempts", Integer.toString(call.attempts()));
    for (Map.Entry<String, String> label : variant.labels().asMap().entrySet()) {
      o.lowCardinalityKeyValue(label.getKey(), label.getValue());
    }
    if (error != null) {
      o.error(error);
    }
    o.stop();
  }

  /** Starts a model request's observation under the call's. */
  Observation startAttempt(CallState call, Variant variant, ChatRequest prepared, boolean streamed) {
    if (off()) {
      return Observation.NOOP;
    }
    KeyValues low = KeyValues.of(OPERATION_NAME, "chat", PROVIDER_NAME, variant.client().provider(), REQUEST_MODEL, variant.model(),
        ROUTE, call.route().name(), VARIANT, variant.id());
    java.net.URI endpoint = variant.client().endpoint().orElse(null);
    if (endpoint != null && endpoint.getHost() != null) {
      low = low.and(SERVER_ADDRESS, endpoint.getHost()).and(SERVER_PORT, Integer.toString(VariantMeters.port(endpoint)));
    }
    for (Map.Entry<String, String> label : variant.labels().asMap().entrySet()) {
      low = low.and(label.getKey(), label.getValue());
    }
    KeyValues high = KeyValues.of(REQUEST_STREAM, Boolean.toString(streamed));
    ModelParameters p = prepared.parameters();
    if (p.maxOutputTokens() != null) {
      high = high.and(REQUEST_MAX_TOKENS, p.maxOutputTokens().toString());
    }
    if (p.temperature() != null) {
      high = high.and(REQUEST_TEMPERATURE, p.temperature().toString());
    }
    if (p.topP() != null) {
      high = high.and(REQUEST_TOP_P, p.topP().toString());
    }
    if (p.seed() != null) {
      high = high.and(REQUEST_SEED, p.seed().toString());
    }
    return Observation.createNotStarted(ATTEMPT, registry)
        .contextualName("chat " + variant.model())
        .parentObservation(call.get(CALL_OBSERVATION))
        .lowCardinalityKeyValues(low)
        .highCardinalityKeyValues(high)
        .start();
  }

  /** Ends a request's observation with what the answer says: response model, finish reason, usage. */
  static void answered(Observation o, ChatResponse r) {
    if (o.isNoop()) {
      return;
    }
    o.highCardinalityKeyValue(RESPONSE_MODEL, r.responseModel())
        .highCardinalityKeyValue(RESPONSE_FINISH_REASONS, r.finishReason().name().toLowerCase(Locale.ROOT));
    if (r.usage().reported()) {
      o.highCardinalityKeyValue(USAGE_INPUT_TOKENS, Long.toString(r.usage().inputTokens()))
          .highCardinalityKeyValue(USAGE_OUTPUT_TOKENS, Long.toString(r.usage().outputTokens()));
    }
    o.stop();
  }

  /** Ends a request's observation with its bounded error type and the failure. */
  static void failed(Observation o, String errorType, Throwable failure) {
    if (o.isNoop()) {
      return;
    }
    o.lowCardinalityKeyValue(ERROR_TYPE, errorType).error(failure).stop();
  }
}
