package dev.sluice.internal.guardrail;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.pipeline.CallKey;
import dev.sluice.internal.CallState;
import dev.sluice.model.Role;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Counts every guardrail result ({@code sluice.guardrail.results}) and notes it for the call's audit event. */
public final class GuardrailRecorder {

  /** The call's notable guardrail results so far, in order; the list is its own lock. */
  private static final CallKey<List<Map<String, Object>>> RESULTS = CallKey.of("guardrail_results");

  private final String route;
  private final MeterRegistry meters;
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

  GuardrailRecorder(String route, MeterRegistry meters) {
    this.route = route;
    this.meters = meters;
  }

  /** Whether the guardrail named {@code guardrail} flagged the call (a score, or a result other than pass). */
  public static boolean flagged(CallState call, String guardrail) {
    List<Map<String, Object>> results = call.get(RESULTS);
    if (results == null) {
      return false;
    }
    synchronized (results) {
      for (Map<String, Object> r : results) {
        if (guardrail.equals(r.get("guardrail"))) {
          return true;
        }
      }
    }
    return false;
  }

  void record(CallState call, String stage, String guardrail, GuardrailResult result) {
    record(call, stage, guardrail, result, -1, null);
  }

  /** Records a result; an input guardrail's names the message it checked (index and role). */
  void record(CallState call, String stage, String guardrail, GuardrailResult result, int message, @Nullable Role role) {
    record(call, stage, guardrail, result, message, role, null);
  }

  /** Records a result on a template variable's value: the entry names the variable, not a message. */
  void recordVariable(CallState call, String stage, String guardrail, GuardrailResult result, String variable) {
    record(call, stage, guardrail, result, -1, null, variable);
  }

  private void record(CallState call, String stage, String guardrail, GuardrailResult result, int message, @Nullable Role role,
      @Nullable String variable) {
    counters.computeIfAbsent(guardrail + "|" + result.kind().tag(), k -> Counter.builder("sluice.guardrail.results")
        .description("Guardrail results by guardrail and result").tag("route", route).tag("guardrail", guardrail)
        .tag("result", result.kind().tag()).register(meters)).increment();
    if (result.kind() == GuardrailResult.Kind.PASS && result.score() == 0) {
      return;
    }
    List<Map<String, Object>> results = call.computeIfAbsent(RESULTS, ArrayList::new);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("stage", stage);
    r.put("guardrail", guardrail);
    r.put("result", result.kind().tag());
    if (role != null) {
      r.put("message", message);
      r.put("role", role.wireName());
    }
    if (variable != null) {
      r.put("variable", variable);
    }
    if (!result.reason().isEmpty()) r.put("reason", result.reason());
    if (result.score() != 0) r.put("score", result.score());
    synchronized (results) {
      results.add(r);
      call.detail("guardrails", List.copyOf(results));
    }
  }
}
