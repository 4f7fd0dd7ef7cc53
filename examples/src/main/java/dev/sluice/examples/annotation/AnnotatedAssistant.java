package dev.sluice.examples.annotation;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.simulated.SimulatedModelClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code @LlmRoute} without a framework: a JDK proxy over {@link ModelSupportAssistant}, with the
 * candidate prompt on 50% of users. Run: {@code ./mvnw -q -B -DskipTests -pl examples -am package
 * exec:java -Ddemo.mainClass=dev.sluice.examples.annotation.AnnotatedAssistant}.
 */
public final class AnnotatedAssistant {

  private AnnotatedAssistant() {}

  /** Answers for {@code users} users; returns how many got each prompt version. */
  public static Map<String, Integer> run(int users) {
    Sluice sluice = Sluice.builder()
        .route(Route.builder("support-answer")
            .baseline(variant("v1", "gpt-4o-mini", "support-v7", "Open Settings, then Security."))
            .variant(variant("v2", "gpt-4.1-mini", "support-v8", "Settings > Security > Reset password."))
            .rollout(RolloutPlan.builder("support-answer", "v2").stage(Stage.percent(50)).stage(Stage.full()).build())
            .build())
        // No metrics in this plan: a person advances it (v2's pricier model would fail a judge's cost margin).
        .stageGate(dev.sluice.rollout.StageGate.MANUAL)
        .meterRegistry(new SimpleMeterRegistry())
        .build();
    // proxy:begin
    SupportAssistant assistant = sluice.proxy(SupportAssistant.class, new ModelSupportAssistant());
    String answer = assistant.answer("user-42", "acme", "How do I reset my password?");
    // proxy:end
    System.out.println("user-42 got: " + answer);
    Map<String, Integer> versions = new LinkedHashMap<>();
    for (int i = 0; i < users; i++) {
      String a = assistant.answer("user-" + i, i % 2 == 0 ? "acme" : "globex", "How do I reset my password?");
      versions.merge(a.substring(a.lastIndexOf('[') + 1, a.length() - 1), 1, Integer::sum);
    }
    System.out.println(users + " users by prompt version: " + versions);
    sluice.close();
    return versions;
  }

  private static Variant variant(String id, String model, String prompt, String text) {
    return Variant.builder(id)
        .client(SimulatedModelClient.builder().seed(id.hashCode()).noLatency().text(text).build())
        .model(model)
        .labels(VersionLabels.builder().promptVersion(prompt).build())
        .build();
  }

  public static void main(String[] args) {
    run(1000);
  }
}
