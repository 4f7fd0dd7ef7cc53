package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.Route;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.InputGuardrail;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.TokenUsage;
import dev.sluice.pipeline.CallContext;
import dev.sluice.simulated.SimulatedModelClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every guardrail against 100 KB inputs built to make a backtracking regex explode. The time limit
 * is a guard against a hang, generous enough for a slow shared machine; speed is measured in JMH.
 */
class AdversarialInputTest {

  static final int SIZE = 100_000;

  static List<String> inputs() {
    return List.of(
        "a".repeat(SIZE),
        "1 ".repeat(SIZE / 2),
        "1-".repeat(SIZE / 2),
        "a@".repeat(SIZE / 2),
        "a.".repeat(SIZE / 2) + "@",
        "@" + "a".repeat(SIZE),
        ":".repeat(SIZE),
        "1:".repeat(SIZE / 2),
        "ignore ".repeat(SIZE / 7),
        "![".repeat(SIZE / 2),
        "https://" + "a".repeat(SIZE),
        "password=" + "x".repeat(SIZE),
        "eyJ" + "a".repeat(SIZE / 2) + ".eyJ",
        "A".repeat(SIZE),
        "DE89 ".repeat(SIZE / 5),
        "(((((((((((((((((((".repeat(SIZE / 20),
        "I'm sorry ".repeat(SIZE / 10));
  }

  static CallContext call() {
    var v = Variant.builder("v").client(SimulatedModelClient.builder().build()).model("gpt-4o-mini").systemPrompt("be brief").build();
    return Route.builder("r").baseline(v).build().detachedCall(ChatRequest.ofUser("x"), Subject.anonymous());
  }

  @Test
  void everyGuardrailFinishesOnAdversarialInput() {
    List<InputGuardrail> in = List.of(new InvisibleText(), Pii.redacting(), Secrets.redacting(), new PromptInjection(),
        new TokenLimit(1_000_000, 1_000_000), new BannedContent(List.of("x"), List.of(Pattern.compile("\\bINC-\\d{4}\\b"))));
    List<OutputGuardrail> out = List.of(Pii.blockingLeaks(), Secrets.blockingLeaks(), new Refusal(),
        new SystemPromptLeak("canary", 3), new UrlRules(Set.of("https"), Set.of("example.com")),
        new ToolCallAllowlist(Map.of()), JsonSchemaGuardrail.of("{\"type\":\"object\"}"));
    for (String input : inputs()) {
      for (InputGuardrail g : in) {
        long t0 = System.nanoTime();
        GuardrailResult r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> g.check(input, call()), g.name());
        assertThat(r).isNotNull();
        if (System.getProperty("adv.debug") != null && System.nanoTime() - t0 > 200_000_000) {
          System.out.println("slow " + g.name() + " " + (System.nanoTime() - t0) / 1_000_000 + " ms on " + input.substring(0, 12));
        }
      }
      ChatResponse response = ChatResponse.of(input, TokenUsage.ZERO, "t", "m");
      for (OutputGuardrail g : out) {
        long t0 = System.nanoTime();
        GuardrailResult r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> g.check(response, call()), g.name());
        assertThat(r).isNotNull();
        if (System.getProperty("adv.debug") != null && System.nanoTime() - t0 > 200_000_000) {
          System.out.println("slow " + g.name() + " " + (System.nanoTime() - t0) / 1_000_000 + " ms on " + input.substring(0, 12));
        }
      }
    }
  }
}
