package dev.sluice.internal;

import java.util.Objects;
import static dev.sluice.internal.MeterNames.*;

import dev.sluice.outcome.Outcome;
import dev.sluice.Route;
import dev.sluice.release.Variant;
import dev.sluice.model.ChatResponse;
import dev.sluice.pricing.Cost;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one variant of one route, made once and reused by every call. Every tag is bounded:
 * route, variant and version labels come from configuration; outcome, fallback kind, error type and
 * response model come from small fixed sets or from the provider. Nothing from the subject or the
 * request is ever a tag.
 */
public final class VariantMeters {

  private final MeterRegistry registry;
  private final Variant variant;
  private final Tags base;
  private final Tags genAiBase;
  private final Map<Outcome, Counter> calls = new EnumMap<>(Outcome.class);
  private final Map<Outcome, Timer> durations = new EnumMap<>(Outcome.class);
  private final ConcurrentHashMap<String, Counter> fallbackCalls = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> fallbackDurations = new ConcurrentHashMap<>();
  private final Counter cost;
  private final Counter costUnknown;
  private final ConcurrentHashMap<String, ModelCallMeters> byResponseModel = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> failedCalls = new ConcurrentHashMap<>();

  public VariantMeters(MeterRegistry registry, Route route, Variant variant) {
    this.registry = registry;
    this.variant = variant;
    Tags t = Tags.of(ROUTE, route.name(), VARIANT, variant.id());
    for (Map.Entry<String, String> e : variant.labels().asMap().entrySet()) {
      t = t.and(e.getKey(), e.getValue());
    }
    this.base = t;
    this.genAiBase = genAiTags(route, variant);
    for (Outcome o : Outcome.values()) {
      if (o != Outcome.FALLBACK) {
        calls.put(o, callCounter(o, NONE));
        durations.put(o, callTimer(o, NONE));
      }
    }
    this.cost = Counter.builder(COST).baseUnit("usd").description("Cost of calls in US dollars, at list prices")
        .tags(base).register(registry);
    this.costUnknown = Counter.builder(COST_UNKNOWN).description("Calls whose cost is unknown: a model with no price")
        .tags(base).register(registry);
  }

  /**
   * The GenAI attributes every model-call meter of a variant has: operation, provider, requested
   * model, the server's address and port when its client names one, and Sluice's route and variant.
   */
  static Tags genAiTags(Route route, Variant variant) {
    Tags t = Tags.of(
        OPERATION_NAME, "chat",
        PROVIDER_NAME, variant.client().provider(),
        REQUEST_MODEL, variant.model(),
        ROUTE, route.name(),
        VARIANT, variant.id());
    java.net.URI endpoint = variant.client().endpoint().orElse(null);
    if (endpoint != null && endpoint.getHost() != null) {
      t = t.and(SERVER_ADDRESS, endpoint.getHost()).and(SERVER_PORT, Integer.toString(port(endpoint)));
    }
    return t;
  }

  /** The endpoint's port, or its scheme's default one. */
  static int port(java.net.URI endpoint) {
    return endpoint.getPort() >= 0 ? endpoint.getPort() : "http".equalsIgnoreCase(endpoint.getScheme()) ? 80 : 443;
  }

  private Counter callCounter(Outcome outcome, String fallbackKind) {
    return Counter.builder(CALLS).description("Calls by how they ended")
        .tags(base).tag(OUTCOME, outcome.tag()).tag(FALLBACK, fallbackKind).register(registry);
  }

  private Timer callTimer(Outcome outcome, String fallbackKind) {
    return Timer.builder(CALL_DURATION).description("Latency of whole calls, every attempt and fallback included")
        .tags(base).tag(OUTCOME, outcome.tag()).tag(FALLBACK, fallbackKind).register(registry);
  }

  /** Records a finished call. {@code fallbackKind} is null unless a fallback answered. */
  private volatile @org.jspecify.annotations.Nullable Timer firstChunk;
  private volatile @org.jspecify.annotations.Nullable Timer chunkGap;

  /** A streamed attempt's first chunk arrived {@code nanos} after its request was sent. */
  public void recordFirstChunk(long nanos) {
    Timer t = firstChunk;
    if (t == null) {
      firstChunk = t = genAiTimer(TIME_TO_FIRST_CHUNK, "Time from sending a streamed request to its first chunk");
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A streamed attempt's chunk arrived {@code nanos} after the one before it. */
  public void recordChunkGap(long nanos) {
    Timer t = chunkGap;
    if (t == null) {
      chunkGap = t = genAiTimer(TIME_PER_OUTPUT_CHUNK, "Time between the chunks of a streamed answer");
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A GenAI timer of this variant, registered on first use (Micrometer returns the same one if two threads race). */
  private Timer genAiTimer(String name, String description) {
    return Timer.builder(name).description(description).tags(genAiBase).serviceLevelObjectives(SECONDS_BUCKETS).register(registry);
  }

  /** The variant these meters are for. */
  public Variant variant() {
    return variant;
  }

  public void recordCall(Outcome outcome, String fallbackKind, long latencyNanos, Cost callCost) {
    if (outcome == Outcome.FALLBACK) {
      fallbackCalls.computeIfAbsent(fallbackKind, k -> callCounter(Outcome.FALLBACK, k)).increment();
      fallbackDurations.computeIfAbsent(fallbackKind, k -> callTimer(Outcome.FALLBACK, k)).record(latencyNanos, TimeUnit.NANOSECONDS);
    } else {
      Objects.requireNonNull(calls.get(outcome)).increment();
      Objects.requireNonNull(durations.get(outcome)).record(latencyNanos, TimeUnit.NANOSECONDS);
    }
    if (callCost.isKnown()) {
      if (callCost.nanoUsd() > 0) {
        cost.increment(callCost.usdOrNaN());
      }
    } else {
      costUnknown.increment();
    }
  }

  /**
   * Records one model attempt that answered. The response model is a tag only for the first
   * {@value #RESPONSE_MODELS} names a variant's provider gives (the variant's own model and its
   * dated versions, in practice); later names are tagged {@code other}, so a provider naming a new
   * model on every answer cannot grow the registry (it grew from 39 to 6,042 meters).
   */
  public void recordModelCall(ChatResponse response, long nanos) {
    ModelCallMeters m = byResponseModel.get(response.responseModel());
    if (m == null) {
      String name = response.responseModel();
      m = byResponseModel.size() < RESPONSE_MODELS || name.equals(variant.model())
          ? byResponseModel.computeIfAbsent(name.length() <= 128 ? name : OTHER, this::modelCallMeters)
          : byResponseModel.computeIfAbsent(OTHER, this::modelCallMeters);
    }
    m.record(response, nanos);
  }

  /** How many distinct response models get their own tag, per variant. */
  static final int RESPONSE_MODELS = 16;
  static final String OTHER = "other";

  /**
   * Records one model attempt that failed with this bounded error type. A failed attempt has an
   * {@code error.type} and no {@code gen_ai.response.model} (there was no response), as the
   * conventions ask: the same meter name then has two sets of tag keys, which Micrometer's
   * Prometheus registry accepts from 1.17 on.
   */
  public void recordModelFailure(String errorType, long nanos) {
    failedCalls.computeIfAbsent(errorType, e -> operationTimer(genAiBase.and(ERROR_TYPE, e))).record(nanos, TimeUnit.NANOSECONDS);
  }

  private ModelCallMeters modelCallMeters(String responseModel) {
    Tags t = genAiBase.and(RESPONSE_MODEL, responseModel);
    return new ModelCallMeters(operationTimer(t), tokenSummary(t, "input"), tokenSummary(t, "output"));
  }

  private Timer operationTimer(Tags tags) {
    return Timer.builder(OPERATION_DURATION).description("GenAI operation duration")
        .tags(tags).serviceLevelObjectives(SECONDS_BUCKETS).register(registry);
  }

  /**
   * The token-usage histogram. No base unit: Micrometer would append it to the Prometheus name
   * ({@code gen_ai_client_token_usage_tokens}); the conventions' unit {@code {token}} is an
   * annotation, and the name the conventions give is {@code gen_ai_client_token_usage}.
   */
  private DistributionSummary tokenSummary(Tags t, String type) {
    return DistributionSummary.builder(TOKEN_USAGE).description("Number of input and output tokens used, in tokens")
        .tags(t).tag(TOKEN_TYPE, type).serviceLevelObjectives(TOKEN_BUCKETS).register(registry);
  }

  /** The conventions' bucket boundaries for durations, in seconds: 0.01 doubling to 81.92. */
  static final java.time.Duration[] SECONDS_BUCKETS = java.util.stream.IntStream.range(0, 14)
      .mapToObj(i -> java.time.Duration.ofMillis(10L << i)).toArray(java.time.Duration[]::new);

  /** The conventions' bucket boundaries for token counts: 1 to 4^13, by powers of four. */
  static final double[] TOKEN_BUCKETS = java.util.stream.IntStream.range(0, 14).mapToDouble(i -> Math.pow(4, i)).toArray();

  /** An answer's meters; usage the provider did not report is not recorded (no 0 sample). */
  private record ModelCallMeters(Timer duration, DistributionSummary input, DistributionSummary output) {
    void record(ChatResponse r, long nanos) {
      duration.record(nanos, TimeUnit.NANOSECONDS);
      if (r.usage().reported()) {
        input.record(r.usage().inputTokens());
        output.record(r.usage().outputTokens());
      }
    }
  }
}
