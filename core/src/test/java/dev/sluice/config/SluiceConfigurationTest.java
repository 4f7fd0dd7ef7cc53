package dev.sluice.config;

import dev.sluice.model.ClientResolver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Fixtures.EchoModel;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.subject.Subject;
import dev.sluice.budget.BudgetScope;
import dev.sluice.model.ChatRequest;
import dev.sluice.rollout.StageKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SluiceConfigurationTest {

  static final String YAML = """
      routes:
        - name: support-answer
          resilience: {deadline: 20s, attempt_timeout: 8s, max_attempts: 2, failure_rate_threshold: 40, first_chunk_timeout: 2s, idle_timeout: 4s}
          stream_hold_back_chars: 200
          max_input_chars: 100000
          budget:
            zone: Europe/Paris
            caps: [{scope: tenant, period: day, usd: "10.00", soft_threshold: 0.9}]
          variants:
            - id: v1
              model: gpt-4o-mini
              client: {provider: simulated, seed: 1, text: "baseline says hi", latency_median: 0ms}
              labels: {model_version: gpt-4o-mini-2024-07-18, prompt_version: support-v7}
            - id: v2
              model: gpt-4.1-mini
              client: {ref: house-model}
              system_prompt: You are a concise support agent.
              max_output_tokens: 300
              labels: {prompt_version: support-v8}
              resilience: {attempt_timeout: 3s}
          rollout:
            candidate: v2
            owner: support-team
            stages: [{kind: canary, percent: 1}, {kind: percent, percent: 25}, {kind: full}]
            metrics: {error_rate: 0.5}
      budgets:
        - {scope: global, period: month, tokens: 5000000}
      evaluate_every: 0s
      """;

  final EchoModel house = EchoModel.answering("candidate says hi", 10, 5);

  @Test
  void aFileBuildsRoutesVariantsPoliciesBudgetsAndTheRolloutPlan() {
    Sluice sluice = SluiceConfiguration.readString(YAML, ClientResolver.of(Map.of("house-model", house)))
        .meterRegistry(new SimpleMeterRegistry()).build();
    Route route = sluice.route("support-answer");
    assertThat(route.baseline().id()).isEqualTo("v1");
    assertThat(route.baseline().labels().promptVersion()).contains("support-v7");
    assertThat(route.variant("v2").client()).isSameAs(house);
    assertThat(route.variant("v2").systemPrompt()).contains("You are a concise support agent.");
    assertThat(route.variant("v2").parameters().maxOutputTokens()).isEqualTo(300);
    assertThat(route.resilience().deadline()).isEqualTo(Duration.ofSeconds(20));
    assertThat(route.resilience().retry().maxAttempts()).isEqualTo(2);
    assertThat(route.resilience(route.variant("v2")).timeout().attempt()).as("per-variant override").isEqualTo(Duration.ofSeconds(3));
    assertThat(route.resilience(route.variant("v2")).timeout().firstChunk()).as("the stream timeouts stay").isEqualTo(Duration.ofSeconds(2));
    assertThat(route.resilience().variants().timeout().idleBetweenChunks()).isEqualTo(Duration.ofSeconds(4));
    assertThat(route.streamHoldBackChars()).isEqualTo(200);
    assertThat(route.maxInputChars()).isEqualTo(100_000);
    assertThat(route.resilience(route.variant("v2")).bulkhead()).as("the rest inherits the route's policies")
        .isEqualTo(route.resilience().variants().bulkhead());
    assertThat(route.budget().zone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(route.budget().caps()).singleElement().satisfies(c -> assertThat(c.scope()).isEqualTo(BudgetScope.TENANT));
    assertThat(sluice.rollout("support-answer").plan().stages()).extracting(s -> s.kind())
        .containsExactly(StageKind.CANARY, StageKind.PERCENT, StageKind.FULL);
    assertThat(sluice.rollout("support-answer").plan().owner()).isEqualTo("support-team");

    sluice.rollout("support-answer").pin("v2", "test", "try the candidate");
    SluiceResponse r = sluice.call("support-answer", ChatRequest.ofUser("hi"), Subject.of("u1"));
    assertThat(r.text()).isEqualTo("candidate says hi");
    assertThat(house.requests.get(0).messages().get(0).content()).isEqualTo("You are a concise support agent.");
  }

  @Test
  void mistakesNameTheFieldAndWhatItAllows() {
    assertThatThrownBy(() -> read(YAML.replace("max_attempts: 2", "max_attempt: 2")))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("routes[0].resilience.max_attempt")
        .hasMessageContaining("max_attempts");
    assertThatThrownBy(() -> read(YAML.replace("provider: simulated", "provider: bard")))
        .hasMessageContaining("routes[0].variants[0].client.provider").hasMessageContaining("openai");
    assertThatThrownBy(() -> read(YAML.replace("scope: tenant", "scope: team")))
        .hasMessageContaining("routes[0].budget.caps[0].scope").hasMessageContaining("tenant");
    assertThatThrownBy(() -> read(YAML.replace("kind: canary", "kind: trickle")))
        .hasMessageContaining("routes[0].rollout.stages[0].kind").hasMessageContaining("canary");
    assertThatThrownBy(() -> read(YAML.replace("ref: house-model", "ref: nobody")))
        .hasMessageContaining("client.ref").hasMessageContaining("house-model");
    assertThatThrownBy(() -> read(YAML.replace("attempt_timeout: 8s", "attempt_timeout: soon")))
        .hasMessageContaining("routes[0].resilience.attempt_timeout").hasMessageContaining("90s");
    String openAi = YAML.replace("{ref: house-model}", "{provider: openai, base_url: \"http://127.0.0.1:1/v1\", api_key_env: NO_SUCH_KEY}");
    assertThatThrownBy(() -> SluiceConfiguration.fromTree(tree(openAi), ClientResolver.none(), List.of(), dev.sluice.time.TimeSource.system(), name -> null))
        .hasMessageContaining("api_key_env").hasMessageContaining("NO_SUCH_KEY");
  }

  @Test
  void aVariantCannotSetWhatBelongsToTheWholeCall() {
    assertThatThrownBy(() -> read(YAML.replace("resilience: {attempt_timeout: 3s}", "resilience: {attempt_timeout: 3s, max_attempts: 5}")))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("routes[0].variants[1].resilience.max_attempts")
        .hasMessageContaining("set them on the route");
    assertThatThrownBy(() -> read(YAML.replace("resilience: {attempt_timeout: 3s}", "resilience: {deadline: 60s}")))
        .hasMessageContaining("routes[0].variants[1].resilience.deadline");
  }

  @Test
  void eachPolicyNamesItsFieldWhenAValueIsWrong() {
    assertThatThrownBy(() -> dev.sluice.resilience.RetryPolicy.DEFAULTS.withMaxAttempts(0))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("resilience.retry.maxAttempts");
    assertThatThrownBy(() -> dev.sluice.resilience.RetryBudget.of(1.5, Duration.ofSeconds(10), 1))
        .hasMessageContaining("resilience.retryBudget.ratio");
    assertThatThrownBy(() -> dev.sluice.resilience.TimeoutPolicy.ofAttempt(Duration.ZERO)).hasMessageContaining("resilience.timeout.attempt");
    assertThatThrownBy(() -> dev.sluice.resilience.CircuitBreakerPolicy.DEFAULTS.withFailureRate(0, 10, Duration.ofSeconds(1)))
        .hasMessageContaining("resilience.circuitBreaker.failureRateThreshold");
    assertThatThrownBy(() -> dev.sluice.resilience.BulkheadPolicy.of(8, Duration.ofSeconds(-1))).hasMessageContaining("resilience.bulkhead.maxWait");
  }

  @Test
  void customizersAddWhatAFileCannotHold() {
    Sluice sluice = SluiceConfiguration.fromTree(tree(YAML), ClientResolver.of(Map.of("house-model", house)),
        List.of((name, route) -> route.resilience("v1", dev.sluice.resilience.VariantResilience.DEFAULTS
            .withBulkhead(dev.sluice.resilience.BulkheadPolicy.of(5, Duration.ZERO)))),
        dev.sluice.time.TimeSource.system(), System::getenv).meterRegistry(new SimpleMeterRegistry()).build();
    Route route = sluice.route("support-answer");
    assertThat(route.resilience(route.baseline()).bulkhead().maxConcurrent()).isEqualTo(5);
  }

  private Sluice read(String yaml) {
    return SluiceConfiguration.readString(yaml, ClientResolver.of(Map.of("house-model", house))).meterRegistry(new SimpleMeterRegistry()).build();
  }

  private static com.fasterxml.jackson.databind.JsonNode tree(String yaml) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yaml);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
