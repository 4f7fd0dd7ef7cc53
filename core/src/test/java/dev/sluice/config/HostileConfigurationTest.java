package dev.sluice.config;

import dev.sluice.model.ClientResolver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.Fixtures.EchoModel;
import dev.sluice.outcome.InvalidConfigurationException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Configuration files written to break the reader: every one is refused with an
 * {@link InvalidConfigurationException} that names the field or the place, says what is allowed,
 * and never echoes a key.
 */
class HostileConfigurationTest {

  static final String SECRET = "sk-live-0123456789abcdefghijklmnopqrstuv";

  static String route(String resilience, String variantExtra, String client) {
    return """
        routes:
          - name: r
            resilience: %s
            variants:
              - id: v1
                model: gpt-4o-mini
                client: %s
        %s
        """.formatted(resilience, client, variantExtra.isEmpty() ? "" : "        " + variantExtra);
  }

  static final String SIM = "{provider: simulated, seed: 1, latency_median: 0ms}";

  /** Document, and a fragment the error's field or message must contain. */
  static Map<String, String> documents() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(route("{max_attempts: 1e10}", "", SIM), "max_attempts");
    d.put(route("{deadline: 99999999999999999999d}", "", SIM), "deadline");
    d.put(route("{deadline: 999999999999d}", "", SIM), "deadline");
    d.put(route("{deadline: PT-5S}", "", SIM), "deadline");
    d.put(route("{deadline: .nan}", "", SIM), "line 3");
    d.put(route("{failure_rate_threshold: .inf}", "", SIM), "line 3");
    d.put(route("{failure_rate_threshold: '1e400'}", "", SIM), "failure_rate_threshold");
    d.put(route("{max_attempts: -3}", "", SIM), "routes[0]");
    d.put(route("{attempt_timeout: 0ms}", "", SIM), "routes[0]");
    d.put(route("{deadline: 0s}", "", SIM), "routes[0]");
    d.put(route("{}", "", "{provider: openai, base_url: 'ftp://x', api_key: " + SECRET + "}"), "base_url");
    d.put(route("{}", "", "{provider: openai, base_url: 'http://127.0.0.1:1/v1', api_key: [" + SECRET + "]}"), "api_key");
    d.put(route("{}", "", "{provider: openai, base_url: 'http://127.0.0.1:1/v1', api_key: " + SECRET + ", api_key_env: X}"), "api_key");
    d.put(route("{}", "", "{provider: simulated, seed: 1, seed: 2}"), "twice");
    d.put("routes:\n  - name: r\n    name: s\n    variants: [{id: v1, model: m, client: " + SIM + "}]\n", "twice");
    d.put("anchors: &sp You are helpful.\nroutes:\n  - name: r\n    variants:\n      - id: v1\n        model: m\n        system_prompt: *sp\n"
        + "        client: " + SIM + "\n", "alias");
    d.put("routes:\n  - name: r\n    variants:\n      - id: v1\n        model: m\n        tempreature: 0.3\n        client: " + SIM + "\n",
        "tempreature");
    d.put("routes: " + "[".repeat(40) + "]".repeat(40) + "\n", "nested deeper");
    d.put("just a string\n", "sluice configuration");
    d.put("- a\n- list\n", "sluice configuration");
    d.put("routes: []\n", "routes");
    d.put(route("{}", "", SIM) + "budgets: [{scope: global, period: day, usd: '-5'}]\n", "budgets");
    d.put(route("{}", "", SIM) + "budgets: [{scope: global, period: day, usd: 'lots'}]\n", "budgets");
    d.put(route("{}", "", SIM) + "budgets: [{scope: global, period: fortnight, tokens: 5}]\n", "period");
    d.put(route("{}", "", SIM).replace("routes:\n  - name: r\n", "routes:\n  - name: r\n    rollout: {candidate: v1, stages: [{kind: percent, percent: 200}]}\n"),
        "rollout");
    d.put(route("{}", "", "{provider: openai, base_url: 'http://127.0.0.1:1/v1', max_response_bytes: 1e300}"), "max_response_bytes");
    d.put(route("{}", "", "{provider: simulated, failures: {server_error: 7}}"), "failures");
    d.put("routes:\n" + "  - name: r\n    variants: [{id: v1, model: m, client: " + SIM + "}]\n" + "# " + "x".repeat(1 << 20) + "\n", "larger than");
    return d;
  }

  @Test
  void everyHostileFileIsRefusedNamingTheFieldWithoutEchoingAKey() {
    ClientResolver clients = ClientResolver.of(Map.of("house", EchoModel.answering("ok", 1, 1)));
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> doc : documents().entrySet()) {
      Throwable t = catchThrowable(() -> SluiceConfiguration.readString(doc.getKey(), clients).meterRegistry(new SimpleMeterRegistry()).build());
      String head = doc.getKey().length() > 120 ? doc.getKey().substring(0, 120) : doc.getKey();
      if (!(t instanceof InvalidConfigurationException e)) {
        problems.add((t == null ? "accepted" : "raw " + t) + " <- " + head);
        continue;
      }
      String said = e.field() + " | " + e.getMessage();
      if (!said.contains(doc.getValue())) {
        problems.add("names neither '" + doc.getValue() + "': " + said + " <- " + head);
      }
      if (said.contains(SECRET) || said.contains("sk-live")) {
        problems.add("echoes the key: " + said);
      }
    }
    assertThat(problems).isEmpty();
  }
}
