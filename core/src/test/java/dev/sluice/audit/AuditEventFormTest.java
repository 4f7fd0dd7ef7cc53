package dev.sluice.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.internal.Fingerprint;
import dev.sluice.internal.Pairs;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.TokenUsage;
import dev.sluice.pricing.Cost;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The audit event became a class whose text fields are written when first read: its JSON and
 * {@code toString} are the record's, character for character (the expected strings were printed by
 * the record), and an event built from the values as Sluice holds them equals the one built from
 * their text.
 */
class AuditEventFormTest {

  static final String RECORD_JSON = "{\"timestamp\":\"2026-11-30T08:06:15.123456789Z\",\"callId\":\"c-1\",\"route\":\"support\","
      + "\"variant\":\"v2\",\"assignment\":\"candidate:percent(50)\",\"labels\":{\"prompt_version\":\"p8\"},\"outcome\":\"success\","
      + "\"attempts\":1,\"latencyMs\":12.5,\"routingKey\":\"user-7\",\"usage\":{\"input\":12},\"costUsd\":\"0.000012000\","
      + "\"requestMessages\":2,\"requestChars\":120,\"requestFingerprint\":\"00ff00ff00ff00ff\",\"responseChars\":40,"
      + "\"responseFingerprint\":\"0123456789abcdef\",\"details\":{\"budget\":\"reserved\",\"guardrails\":[\"pii:pass\"]}}";

  static final String RECORD_TEXT = "AuditEvent[timestamp=2026-11-30T08:06:15.123456789Z, callId=c-1, route=support, variant=v2, "
      + "assignment=candidate:percent(50), labels={prompt_version=p8}, outcome=success, attempts=1, latencyMs=12.5, routingKey=user-7, "
      + "tenant=null, usage={input=12}, costUsd=0.000012000, fallback=null, error=null, requestMessages=2, requestChars=120, "
      + "requestFingerprint=00ff00ff00ff00ff, responseChars=40, responseFingerprint=0123456789abcdef, requestText=null, "
      + "responseText=null, details={budget=reserved, guardrails=[pii:pass]}]";

  static Map<String, Object> details() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("budget", "reserved");
    details.put("guardrails", List.of("pii:pass"));
    return details;
  }

  @Test
  void jsonAndTextAreTheRecords() {
    AuditEvent e = new AuditEvent("2026-11-30T08:06:15.123456789Z", "c-1", "support", "v2", "candidate:percent(50)",
        Map.of("prompt_version", "p8"), "success", 1, 12.5, "user-7", null, Map.of("input", 12L), "0.000012000", null, null, 2, 120,
        "00ff00ff00ff00ff", 40, "0123456789abcdef", null, null, details());
    assertThat(e.toJson()).isEqualTo(RECORD_JSON);
    assertThat(e).hasToString(RECORD_TEXT);
  }

  @Test
  void anEventFromHeldValuesEqualsTheOneFromTheirText() {
    Instant start = Instant.parse("2026-11-30T08:06:15.123456789Z");
    TokenUsage usage = TokenUsage.of(1200, 300);
    Cost cost = Cost.ofNanoUsd(12_000);
    List<ChatMessage> sent = List.of(ChatMessage.user("the request"));
    AuditEvent lazy = new AuditEvent(start, "c-1", "support", "v2", "baseline", Map.of(), "success", 1, 3.0, null, "acme", usage, cost,
        null, null, 1, 11, sent, 10, "the answer", null, null, details());
    AuditEvent eager = new AuditEvent("2026-11-30T08:06:15.123456789Z", "c-1", "support", "v2", "baseline", Map.of(), "success", 1, 3.0,
        null, "acme", Pairs.of("input", 1200L, "output", 300L, "cached_input", 0L), "0.000012000", null, null, 1, 11,
        Fingerprint.of(sent), 10, Fingerprint.of("the answer"), null, null, details());
    assertThat(lazy).isEqualTo(eager).hasSameHashCodeAs(eager);
    assertThat(lazy.toJson()).isEqualTo(eager.toJson());
    assertThat(lazy.costUsd()).isEqualTo("0.000012000");
    assertThat(lazy.usage()).containsExactly(Map.entry("input", 1200L), Map.entry("output", 300L), Map.entry("cached_input", 0L));
  }

  @Test
  void withoutAResponseOrAKnownCostThoseFieldsAreNull() {
    AuditEvent e = new AuditEvent(Instant.EPOCH, "c-2", "r", "v1", "baseline", Map.of(), "error", 2, 1.0, null, null, TokenUsage.ZERO,
        Cost.UNKNOWN, null, Map.of("type", "ModelCallException"), 1, 5, List.of(ChatMessage.user("hello")), 0, null, null, null, Map.of());
    assertThat(e.responseFingerprint()).isNull();
    assertThat(e.costUsd()).isNull();
    assertThat(e.timestamp()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(e.toJson()).doesNotContain("responseFingerprint").doesNotContain("costUsd");
  }
}
