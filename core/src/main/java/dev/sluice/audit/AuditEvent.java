package dev.sluice.audit;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.internal.Fingerprint;
import dev.sluice.internal.IsoInstant;
import dev.sluice.internal.Pairs;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.TokenUsage;
import dev.sluice.pricing.Cost;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What Sluice records about one call: who it was for, which versions answered, how it ended, what
 * it used and cost, and what the steps noted (guardrail results, budget, fallback). By default it
 * holds no prompt or completion text, only sizes and fingerprints (a 64-bit hash, for spotting
 * repeats); {@code requestText} and {@code responseText} are filled only when the application asks.
 *
 * <p>Immutable and thread-safe. A value with a record's accessors, {@code equals},
 * {@code hashCode} and {@code toString}. The events Sluice makes compute their text fields (the
 * timestamp, the fingerprints, cost and usage) only when first read, so a sink that counts events
 * or reads only the outcome does not pay for formatting, nor for hashing a long prompt.
 *
 * <p>Fields, in the order of the JSON form ({@link #toJson()}; nulls left out):
 * {@code timestamp} when the call started, ISO-8601; {@code callId} the call's random id;
 * {@code route} the route's name; {@code variant} the variant assignment picked; {@code assignment}
 * why that variant was picked; {@code labels} version labels of that variant; {@code outcome} how
 * the call ended; {@code attempts} model attempts made, fallbacks included; {@code latencyMs} the
 * call's latency in milliseconds; {@code routingKey} and {@code tenant} the subject's, if any;
 * {@code usage} tokens used: input, output, cached_input; {@code costUsd} cost in USD as a decimal
 * string, or null if unknown; {@code fallback} the fallback that answered (kind, link, reason), null
 * if none; {@code error} the failure's type and message, null on success; {@code requestMessages}
 * number of messages sent; {@code requestChars} characters sent; {@code requestFingerprint} 64-bit
 * hash of the messages sent, hex; {@code responseChars} characters answered;
 * {@code responseFingerprint} 64-bit hash of the answer, hex; {@code requestText} the last user
 * message and {@code responseText} the answer, only if text auditing is on; {@code details} facts
 * noted by the steps.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.NONE, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonPropertyOrder({"timestamp", "callId", "route", "variant", "assignment", "labels", "outcome", "attempts", "latencyMs", "routingKey",
    "tenant", "usage", "costUsd", "fallback", "error", "requestMessages", "requestChars", "requestFingerprint", "responseChars",
    "responseFingerprint", "requestText", "responseText", "details"})
public final class AuditEvent {

  private static final ObjectMapper JSON = new ObjectMapper();

  // Written when first read from the values below (a benign race: any thread writes the same text).
  private @Nullable String timestamp;
  private @Nullable Map<String, Long> usage;
  private @Nullable String costUsd;
  private @Nullable String requestFingerprint;
  private @Nullable String responseFingerprint;

  private final @Nullable Instant startedAt;
  private final @Nullable TokenUsage tokens;
  private final @Nullable Cost cost;
  private final @Nullable List<ChatMessage> sent;
  private final @Nullable String answer;

  private final String callId;
  private final String route;
  private final String variant;
  private final String assignment;
  private final Map<String, String> labels;
  private final String outcome;
  private final int attempts;
  private final double latencyMs;
  private final @Nullable String routingKey;
  private final @Nullable String tenant;
  private final @Nullable Map<String, String> fallback;
  private final @Nullable Map<String, String> error;
  private final int requestMessages;
  private final int requestChars;
  private final int responseChars;
  private final @Nullable String requestText;
  private final @Nullable String responseText;
  private final Map<String, Object> details;

  /** An event from its fields as text, as written in its JSON form (see the class comment for each). */
  public AuditEvent(String timestamp, String callId, String route, String variant, String assignment, Map<String, String> labels,
      String outcome, int attempts, double latencyMs, @Nullable String routingKey, @Nullable String tenant, Map<String, Long> usage,
      @Nullable String costUsd, @Nullable Map<String, String> fallback, @Nullable Map<String, String> error, int requestMessages,
      int requestChars, String requestFingerprint, int responseChars, @Nullable String responseFingerprint, @Nullable String requestText,
      @Nullable String responseText, Map<String, Object> details) {
    this(null, null, null, null, null, callId, route, variant, assignment, labels, outcome, attempts, latencyMs, routingKey, tenant,
        fallback, error, requestMessages, requestChars, responseChars, requestText, responseText, details);
    this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
    this.usage = Objects.requireNonNull(usage, "usage");
    this.costUsd = costUsd;
    this.requestFingerprint = Objects.requireNonNull(requestFingerprint, "requestFingerprint");
    this.responseFingerprint = responseFingerprint;
  }

  /**
   * An event from the values as Sluice holds them: the start as an {@code Instant}, tokens and cost
   * as objects, and the messages sent and the answer (null without one) whose fingerprints it
   * holds. Their text, the fingerprints included, is computed when first read; until then the
   * event keeps a reference to the messages and the answer (which the call held anyway), never a
   * copy, and writes none of it out.
   */
  public AuditEvent(Instant startedAt, String callId, String route, String variant, String assignment, Map<String, String> labels,
      String outcome, int attempts, double latencyMs, @Nullable String routingKey, @Nullable String tenant, TokenUsage usage, Cost cost,
      @Nullable Map<String, String> fallback, @Nullable Map<String, String> error, int requestMessages, int requestChars,
      List<ChatMessage> sent, int responseChars, @Nullable String answer, @Nullable String requestText, @Nullable String responseText,
      Map<String, Object> details) {
    this(Objects.requireNonNull(startedAt, "startedAt"), Objects.requireNonNull(usage, "usage"), Objects.requireNonNull(cost, "cost"),
        Objects.requireNonNull(sent, "sent"), answer, callId, route, variant, assignment, labels, outcome, attempts, latencyMs, routingKey,
        tenant, fallback, error, requestMessages, requestChars, responseChars, requestText, responseText, details);
  }

  private AuditEvent(@Nullable Instant startedAt, @Nullable TokenUsage tokens, @Nullable Cost cost, @Nullable List<ChatMessage> sent,
      @Nullable String answer, String callId, String route, String variant, String assignment, Map<String, String> labels, String outcome,
      int attempts, double latencyMs, @Nullable String routingKey, @Nullable String tenant, @Nullable Map<String, String> fallback,
      @Nullable Map<String, String> error, int requestMessages, int requestChars, int responseChars, @Nullable String requestText,
      @Nullable String responseText, Map<String, Object> details) {
    this.startedAt = startedAt;
    this.tokens = tokens;
    this.cost = cost;
    this.sent = sent;
    this.answer = answer;
    this.callId = Objects.requireNonNull(callId, "callId");
    this.route = Objects.requireNonNull(route, "route");
    this.variant = Objects.requireNonNull(variant, "variant");
    this.assignment = Objects.requireNonNull(assignment, "assignment");
    this.labels = Objects.requireNonNull(labels, "labels");
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    this.attempts = attempts;
    this.latencyMs = latencyMs;
    this.routingKey = routingKey;
    this.tenant = tenant;
    this.fallback = fallback;
    this.error = error;
    this.requestMessages = requestMessages;
    this.requestChars = requestChars;
    this.responseChars = responseChars;
    this.requestText = requestText;
    this.responseText = responseText;
    this.details = Objects.requireNonNull(details, "details");
  }

  @JsonProperty
  public String timestamp() {
    String t = timestamp;
    if (t == null) {
      t = IsoInstant.format(Objects.requireNonNull(startedAt));
      timestamp = t;
    }
    return t;
  }

  @JsonProperty
  public String callId() {
    return callId;
  }

  @JsonProperty
  public String route() {
    return route;
  }

  @JsonProperty
  public String variant() {
    return variant;
  }

  @JsonProperty
  public String assignment() {
    return assignment;
  }

  @JsonProperty
  public Map<String, String> labels() {
    return labels;
  }

  @JsonProperty
  public String outcome() {
    return outcome;
  }

  @JsonProperty
  public int attempts() {
    return attempts;
  }

  @JsonProperty
  public double latencyMs() {
    return latencyMs;
  }

  @JsonProperty
  public @Nullable String routingKey() {
    return routingKey;
  }

  @JsonProperty
  public @Nullable String tenant() {
    return tenant;
  }

  @JsonProperty
  public Map<String, Long> usage() {
    Map<String, Long> u = usage;
    if (u == null) {
      TokenUsage t = Objects.requireNonNull(tokens);
      u = Pairs.of("input", t.inputTokens(), "output", t.outputTokens(), "cached_input", t.cachedInputTokens());
      usage = u;
    }
    return u;
  }

  @JsonProperty
  public @Nullable String costUsd() {
    String c = costUsd;
    if (c == null && cost != null && cost.isKnown()) {
      c = cost.usdPlain();
      costUsd = c;
    }
    return c;
  }

  @JsonProperty
  public @Nullable Map<String, String> fallback() {
    return fallback;
  }

  @JsonProperty
  public @Nullable Map<String, String> error() {
    return error;
  }

  @JsonProperty
  public int requestMessages() {
    return requestMessages;
  }

  @JsonProperty
  public int requestChars() {
    return requestChars;
  }

  @JsonProperty
  public String requestFingerprint() {
    String f = requestFingerprint;
    if (f == null) {
      f = Fingerprint.of(Objects.requireNonNull(sent));
      requestFingerprint = f;
    }
    return f;
  }

  @JsonProperty
  public int responseChars() {
    return responseChars;
  }

  @JsonProperty
  public @Nullable String responseFingerprint() {
    String f = responseFingerprint;
    if (f == null && answer != null) {
      f = Fingerprint.of(answer);
      responseFingerprint = f;
    }
    return f;
  }

  @JsonProperty
  public @Nullable String requestText() {
    return requestText;
  }

  @JsonProperty
  public @Nullable String responseText() {
    return responseText;
  }

  @JsonProperty
  public Map<String, Object> details() {
    return details;
  }

  /** This event as one line of JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      // A detail value Jackson cannot write must not lose the event: write it without details.
      try {
        return JSON.writeValueAsString(withoutDetails(e.getOriginalMessage()));
      } catch (JsonProcessingException again) {
        throw new IllegalStateException("audit event cannot be written as JSON", again);
      }
    }
  }

  private AuditEvent withoutDetails(String why) {
    return new AuditEvent(timestamp(), callId, route, variant, assignment, labels, outcome, attempts, latencyMs, routingKey, tenant,
        usage(), costUsd(), fallback, error, requestMessages, requestChars, requestFingerprint(), responseChars, responseFingerprint(),
        requestText, responseText, Map.of("details_unwritable", why));
  }

  private Object[] values() {
    return new Object[] {timestamp(), callId, route, variant, assignment, labels, outcome, attempts, latencyMs, routingKey, tenant,
        usage(), costUsd(), fallback, error, requestMessages, requestChars, requestFingerprint(), responseChars, responseFingerprint(),
        requestText, responseText, details};
  }

  private static final String[] NAMES = {"timestamp", "callId", "route", "variant", "assignment", "labels", "outcome", "attempts",
      "latencyMs", "routingKey", "tenant", "usage", "costUsd", "fallback", "error", "requestMessages", "requestChars",
      "requestFingerprint", "responseChars", "responseFingerprint", "requestText", "responseText", "details"};

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof AuditEvent other && Arrays.equals(values(), other.values()));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values());
  }

  /** As a record would write it: {@code AuditEvent[timestamp=..., callId=..., ...]}. */
  @Override
  public String toString() {
    Object[] v = values();
    StringBuilder out = new StringBuilder("AuditEvent[");
    for (int i = 0; i < v.length; i++) {
      out.append(i == 0 ? "" : ", ").append(NAMES[i]).append('=').append(v[i]);
    }
    return out.append(']').toString();
  }
}
