package dev.sluice.internal.guardrail;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.pipeline.CallContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counts every guardrail result ({@code sluice.guardrail.results}) and notes it for the call's audit event. */
final class GuardrailRecorder {

  private static final Object RESULTS = new Object();

  private final String route;
  private final MeterRegistry meters;
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

  GuardrailRecorder(String route, MeterRegistry meters) {
    this.route = route;
    this.meters = meters;
  }

  @SuppressWarnings("unchecked")
  void record(CallContext call, String stage, String guardrail, GuardrailResult result) {
    counters.computeIfAbsent(guardrail + "|" + result.kind().tag(), k -> Counter.builder("sluice.guardrail.results")
        .description("Guardrail results by guardrail and result").tag("route", route).tag("guardrail", guardrail)
        .tag("result", result.kind().tag()).register(meters)).increment();
    if (result.kind() == GuardrailResult.Kind.PASS && result.score() == 0) {
      return;
    }
    List<Map<String, Object>> results;
    synchronized (call) {
      results = (List<Map<String, Object>>) call.attribute(RESULTS);
      if (results == null) {
        results = new ArrayList<>();
        call.attribute(RESULTS, results);
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("stage", stage);
    r.put("guardrail", guardrail);
    r.put("result", result.kind().tag());
    if (!result.reason().isEmpty()) r.put("reason", result.reason());
    if (result.score() != 0) r.put("score", result.score());
    synchronized (results) {
      results.add(r);
      call.detail("guardrails", List.copyOf(results));
    }
  }
}
