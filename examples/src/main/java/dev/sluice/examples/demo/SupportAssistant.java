package dev.sluice.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.Route;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.budget.BudgetAction;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetPeriod;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.budget.BudgetScope;
import dev.sluice.fallback.BackupVariantLink;
import dev.sluice.fallback.CachedAnswerLink;
import dev.sluice.fallback.FixedAnswerLink;
import dev.sluice.guardrail.Guardrails;
import dev.sluice.guardrails.InvisibleText;
import dev.sluice.guardrails.JsonSchemaGuardrail;
import dev.sluice.guardrails.Pii;
import dev.sluice.guardrails.PromptInjection;
import dev.sluice.guardrails.Secrets;
import dev.sluice.model.ModelParameters;
import dev.sluice.rollout.CohortRule;
import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.simulated.SimulatedFailure;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The demo's support-assistant route: baseline v7, a cheap backup, and the plan its next release rolls
 * out under; the candidate v8 is a release file (its model shaped by the scenario) published at runtime.
 */
final class SupportAssistant {

  static final String ROUTE = "support-answer";
  static final String GLOBAL_CAP_USD = "40";
  static final String SCHEMA = "{\"type\":\"object\",\"required\":[\"answer\"],\"properties\":{\"answer\":{\"type\":\"string\"}}}";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SupportAssistant() {}

  static Variant baseline(TimeSource time, long seed) {
    SimulatedModelClient model = SimulatedModelClient.builder().seed(seed).timeSource(time)
        .latency(Duration.ofMillis(600), Duration.ofMillis(2500))
        .failure(SimulatedFailure.SERVER_ERROR, 0.005).failure(SimulatedFailure.RATE_LIMITED, 0.002)
        .outputTokens(90, 220)
        .responder(r -> answer(Topics.of(r.lastUserText()).answer()))
        .build();
    return Variant.builder("v7").client(model).model("gpt-4o-mini").systemPrompt("You are Acme's support assistant. Answer in JSON.")
        .parameters(ModelParameters.builder().temperature(0.2).maxOutputTokens(300).build())
        .labels(VersionLabels.builder().modelVersion("gpt-4o-mini-2024-07-18").promptVersion("support-v7")
            .retrievalVersion("kb-2026-10").policyVersion("policy-3").build())
        .build();
  }

  /** The client the candidate's release file names ({@code client: {ref: simulated-v8}}): how the scenario's v8 behaves. */
  static SimulatedModelClient candidateClient(DemoScenario scenario, TimeSource time, long seed) {
    SplittableRandom quality = new SplittableRandom(seed * 31);
    SimulatedModelClient.Builder m = SimulatedModelClient.builder().seed(seed + 1).timeSource(time)
        .latency(Duration.ofMillis(600), Duration.ofMillis(2500))
        .failure(SimulatedFailure.SERVER_ERROR, 0.005).failure(SimulatedFailure.RATE_LIMITED, 0.002)
        .outputTokens(90, 220)
        .responder(r -> answer(Topics.of(r.lastUserText()).answer()));
    switch (scenario) {
      case ERRORS -> m.failure(SimulatedFailure.SERVER_ERROR, 0.3);
      case LATENCY -> m.latency(Duration.ofMillis(1080), Duration.ofMillis(4500));
      case COST -> m.outputTokens(150, 280);
      case QUALITY -> m.responder(r -> answer(quality.nextDouble() < 0.6
          ? "Thanks for reaching out! Please check our help center for more information."
          : Topics.of(r.lastUserText()).answer()));
      case FORMAT -> m.failure(SimulatedFailure.MALFORMED_OUTPUT, 0.2);
      default -> { }
    }
    return m.build();
  }

  /**
   * The candidate as the team ships it: a release file, published to the running service (the demo
   * writes it into the watched release directory once the service is up).
   */
  static String candidateRelease(DemoScenario scenario) {
    String model = scenario == DemoScenario.COST ? "gpt-4.1-mini" : "gpt-4.1-nano";
    return """
        # The candidate release: published at runtime, rolled out under the route's release plan.
        route: support-answer
        id: v8
        model: %s
        client: {ref: simulated-v8}
        system_prompt: "You are Acme's support assistant. Be brief. Answer in JSON."
        temperature: 0.2
        max_output_tokens: 300
        labels: {model_version: %s-2025-04-14, prompt_version: support-v8, retrieval_version: kb-2026-10, policy_version: policy-3}
        published_by: support-platform
        reason: "prompt support-v8 on %s (cheaper), same knowledge base"
        """.formatted(model, model, model);
  }

  static Variant backup(TimeSource time, long seed) {
    SimulatedModelClient model = SimulatedModelClient.builder().seed(seed + 2).timeSource(time)
        .latency(Duration.ofMillis(300), Duration.ofMillis(1200)).outputTokens(60, 150)
        .responder(r -> answer(Topics.of(r.lastUserText()).answer()))
        .build();
    return Variant.builder("backup").client(model).model("gpt-4.1-nano")
        .parameters(ModelParameters.builder().maxOutputTokens(200).build())
        .labels(VersionLabels.builder().modelVersion("gpt-4.1-nano-2025-04-14").promptVersion("support-backup-2").build())
        .build();
  }

  static String answer(String text) {
    return JSON.createObjectNode().put("answer", text).toString();
  }

  static RolloutPlan plan(boolean quick) {
    return plan(quick, false);
  }

  /** The plan; streamed traffic is also judged on its time to first chunk. */
  static RolloutPlan plan(boolean quick, boolean stream) {
    Duration min = quick ? Duration.ofMinutes(10) : Duration.ofMinutes(20);
    RolloutPlan.Builder b = RolloutPlan.builder(ROUTE, "v8").salt("support-v8")
        .change("prompt support-v8 on gpt-4.1-nano (cheaper), same knowledge base")
        .owner("support-platform").expectedGain("-30% cost per answer at equal quality")
        .stage(Stage.offlineGate())
        .stage(Stage.shadow(0.2).minCalls(150).minDuration(min))
        .stage(Stage.canary(1).minCalls(250).minDuration(min).maxDuration(Duration.ofHours(12),
            dev.sluice.rollout.AtMaxDuration.ESCALATE))
        .stage(Stage.cohort("tenant-acme", CohortRule.builder().tenants("acme").build()).minCalls(300).minDuration(min))
        .stage(Stage.percent(10).minCalls(400).minDuration(min))
        .stage(Stage.percent(25).minCalls(400).minDuration(min))
        .stage(Stage.percent(50).minCalls(400).minDuration(min))
        .stage(Stage.full())
        // Deterministic limits beside the judge's statistics, sustained so that noise at a small stage does not trip them.
        .rollbackTrigger("fallback rate +5 pp for 15m").rollbackTrigger("p95 latency +50% for 15m")
        .rollbackTrigger("cost per call +50% for 15m")
        .dashboardQuery("sum by (variant, outcome) (rate(sluice_calls_total{route=\"support-answer\"}[5m]))");
    // In a fixed order (Map.of's is not): a verdict names the first metric that holds it.
    new java.util.TreeMap<>(Map.of("error_rate", 1.0, "timeout_rate", 1.0, "parse_failure_rate", 1.0, "fallback_rate", 2.0,
            "guardrail_block_rate", 2.0, "slow_call_rate", 5.0, "latency", 0.20, "tokens", 0.5, "cost", 0.15, "quality", 0.08))
        .forEach((k, v) -> b.margin(new MetricMargin(k, v)));
    // A new prompt is expected to answer differently: up to 70 pp more differing shadow answers than noise.
    b.margin(new MetricMargin("shadow_difference_rate", 70.0));
    if (stream) {
      b.margin(new MetricMargin("time_to_first_chunk", 0.20));
    }
    return b.build();
  }

  static Route route(TimeSource time, long seed, boolean quick, MeterRegistry meters, boolean stream) {
    Variant v7 = baseline(time, seed);
    Variant backup = backup(time, seed);
    // No candidate yet: v8 is published at runtime and rolls out under this plan (written for it).
    return Route.builder(ROUTE).baseline(v7).variant(backup)
        .releasePlan(plan(quick, stream))
        .resilience(ResiliencePolicy.builder().deadline(Duration.ofSeconds(8)).attemptTimeout(Duration.ofSeconds(4))
            .maxAttempts(2).backoff(Duration.ofMillis(200), 2, Duration.ofSeconds(1), 0.5)
            .circuitBreaker(50, 100, Duration.ofSeconds(30)).bulkhead(500, Duration.ZERO).build())
        .guardrails(Guardrails.builder()
            .input(new InvisibleText(), Pii.redacting(), Secrets.redacting(), new PromptInjection())
            .output(JsonSchemaGuardrail.of(SCHEMA), Pii.restoring())
            .build())
        .budget(BudgetPolicy.builder()
            .cap(BudgetCap.usd(BudgetScope.GLOBAL, BudgetPeriod.DAY, GLOBAL_CAP_USD).softAt(0.5))
            .cap(BudgetCap.usd(BudgetScope.TENANT, BudgetPeriod.DAY, "25").softAt(0.8).onExceeded(BudgetAction.downgradeTo("backup")))
            .build())
        .fallback(
            BackupVariantLink.of(backup),
            CachedAnswerLink.builder().timeSource(time).meterRegistry(meters).expireAfterWrite(Duration.ofHours(6)).build(),
            FixedAnswerLink.of(answer("Sorry, I can't answer that right now. Our team is at support@acme.example."))
                .on(FallbackTrigger.any().toArray(FallbackTrigger[]::new)))
        .build();
  }
}
