package dev.sluice.examples.openfeature;

import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.audit.AuditEvent;
import dev.sluice.fallback.FixedAnswerLink;
import dev.sluice.model.ChatRequest;
import dev.sluice.openfeature.OpenFeatureToggleSource;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageGate;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A route's toggles from a flag service through OpenFeature (here its in-memory provider; in
 * production flagd, LaunchDarkly, Unleash, ...): the candidate at 0%, then pinned for tenant
 * {@code acme} only, then every call sent to the fallback by the kill flag, then released. Each
 * change takes effect on the next call. Prints who got which variant at each step.
 *
 * <pre>
 * ./mvnw -q -B -DskipTests -pl examples -am package exec:java -Ddemo.mainClass=dev.sluice.examples.openfeature.FlagToggles
 * </pre>
 */
public final class FlagToggles {

  /** What each step served: the step's name, then each call's variant (or {@code fallback}). */
  public record Run(Map<String, List<String>> served, List<AuditEvent> audit, MeterRegistry meters) {}

  private FlagToggles() {}

  static Variant variant(String id, String prompt, String answer) {
    return Variant.builder(id).client(SimulatedModelClient.builder().seed(id.hashCode()).noLatency().text(answer).build())
        .model("gpt-4o-mini").labels(VersionLabels.builder().promptVersion(prompt).build()).build();
  }

  static Flag<String> text(String value) {
    return Flag.<String>builder().variant("v", value).defaultVariant("v").build();
  }

  public static Run run() {
    InMemoryProvider flags = new InMemoryProvider(new HashMap<String, Flag<?>>());
    flags.updateFlag("sluice.support-answer.percent", Flag.<Double>builder().variant("none", 0.0).defaultVariant("none").build());
    String domain = "sluice-example-" + System.nanoTime();
    OpenFeatureAPI.getInstance().setProviderAndWait(domain, flags);
    List<AuditEvent> audit = new ArrayList<>();
    MeterRegistry meters = new SimpleMeterRegistry();
    Map<String, List<String>> served = new LinkedHashMap<>();
    try (Sluice sluice = Sluice.builder()
        .route(Route.builder("support-answer")
            .baseline(variant("v7", "support-v7", "Open Settings, then Security."))
            .variant(variant("v8", "support-v8", "Settings > Security > Reset password."))
            .rollout(RolloutPlan.builder("support-answer", "v8").stage(Stage.percent(25)).stage(Stage.full()).build())
            .fallback(FixedAnswerLink.of("We cannot answer right now; a person will follow up."))
            .build())
        .toggleSource(OpenFeatureToggleSource.of(OpenFeatureAPI.getInstance().getClient(domain)))
        .stageGate(StageGate.MANUAL)
        .meterRegistry(meters)
        .auditSink(audit::add)
        .build()) {
      served.put("percent flag 0", calls(sluice));

      flags.updateFlag("sluice.support-answer.pin", Flag.<String>builder().variant("acme", "v8").variant("others", "")
          .defaultVariant("others")
          .contextEvaluator((flag, context) -> context.getValue("tenant") != null && "acme".equals(context.getValue("tenant").asString())
              ? "v8" : "")
          .build());
      served.put("pin flag: acme on v8", calls(sluice));

      flags.updateFlag("sluice.support-answer.kill", text("fallback"));
      served.put("kill flag: fallback", calls(sluice));

      flags.updateFlag("sluice.support-answer.kill", text("off"));
      served.put("kill flag off", calls(sluice));
    } finally {
      OpenFeatureAPI.getInstance().getProvider(domain).shutdown();
    }
    return new Run(served, audit, meters);
  }

  /** Four calls, two users of acme and two of globex: the variant each got, or {@code fallback}. */
  static List<String> calls(Sluice sluice) {
    List<String> out = new ArrayList<>();
    for (String tenant : List.of("acme", "globex")) {
      for (int u = 0; u < 2; u++) {
        SluiceResponse r = sluice.call("support-answer", ChatRequest.ofUser("How do I reset my password?"),
            Subject.builder().routingKey(tenant + "-user-" + u).tenant(tenant).build());
        out.add(tenant + ":" + (r.fallback().isPresent() ? "fallback" : r.variantId()));
      }
    }
    return out;
  }

  public static void main(String[] args) {
    run().served().forEach((step, calls) -> System.out.printf("%-22s %s%n", step, calls));
  }
}
