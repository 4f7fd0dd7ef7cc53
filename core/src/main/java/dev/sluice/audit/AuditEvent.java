package dev.sluice.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What Sluice records about one call: who it was for, which versions answered, how it ended, what
 * it used and cost, and what the steps noted (guardrail results, budget, fallback). By default it
 * holds no prompt or completion text, only sizes and fingerprints (a 64-bit hash, for spotting
 * repeats); {@code requestText} and {@code responseText} are filled only when the application asks.
 *
 * @param timestamp when the call started, ISO-8601
 * @param callId the call's random id
 * @param route the route's name
 * @param variant the variant assignment picked
 * @param assignment why that variant was picked
 * @param labels version labels of that variant
 * @param outcome how the call ended
 * @param attempts model attempts made, fallbacks included
 * @param latencyMs the call's latency in milliseconds
 * @param routingKey the subject's routing key, if any
 * @param tenant the subject's tenant, if any
 * @param usage tokens used: input, output, cached_input
 * @param costUsd cost in USD as a decimal string, or null if unknown
 * @param fallback the fallback that answered: kind, link, reason; null if none
 * @param error the failure's type and message; null on success
 * @param requestMessages number of messages sent
 * @param requestChars characters sent
 * @param requestFingerprint 64-bit hash of the messages sent, hex
 * @param responseChars characters answered
 * @param responseFingerprint 64-bit hash of the answer, hex
 * @param requestText the last user message, only if text auditing is on
 * @param responseText the answer, only if text auditing is on
 * @param details facts noted by the steps
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEvent(
    String timestamp,
    String callId,
    String route,
    String variant,
    String assignment,
    Map<String, String> labels,
    String outcome,
    int attempts,
    double latencyMs,
    @Nullable String routingKey,
    @Nullable String tenant,
    Map<String, Long> usage,
    @Nullable String costUsd,
    @Nullable Map<String, String> fallback,
    @Nullable Map<String, String> error,
    int requestMessages,
    int requestChars,
    String requestFingerprint,
    int responseChars,
    @Nullable String responseFingerprint,
    @Nullable String requestText,
    @Nullable String responseText,
    Map<String, Object> details) {

  private static final ObjectMapper JSON = new ObjectMapper();

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
    return new AuditEvent(timestamp, callId, route, variant, assignment, labels, outcome, attempts, latencyMs,
        routingKey, tenant, usage, costUsd, fallback, error, requestMessages, requestChars, requestFingerprint,
        responseChars, responseFingerprint, requestText, responseText, Map.of("details_unwritable", why));
  }
}
