package dev.sluice.examples.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.audit.AuditEvent;
import org.junit.jupiter.api.Test;

/** The LangChain4j example: usage, cost, labels, meters and a fallback come through an AI Service. */
class LangChain4jAssistantTest {

  @Test
  void anAiServiceOverARouteGetsUsageCostLabelsMetersRetriesAndAFallback() {
    LangChain4jAssistant.Run run = LangChain4jAssistant.run(40);

    assertThat(run.answers()).hasSize(40);
    assertThat(run.audit()).hasSize(40);
    assertThat(run.audit()).allSatisfy(e -> assertThat(e.labels()).containsEntry("prompt_version", "support-v7"));
    AuditEvent answered = run.audit().stream().filter(e -> e.outcome().equals("success")).findFirst().orElseThrow();
    assertThat(answered.usage().get("output")).isPositive();
    assertThat(answered.costUsd()).isNotNull();
    assertThat(run.audit()).as("a 503 retried").anyMatch(e -> e.attempts() == 2 && e.outcome().equals("success"));
    assertThat(run.audit()).as("both attempts failed: the fixed answer").anyMatch(e -> e.outcome().equals("fallback"));
    assertThat(run.answers()).contains("We cannot answer right now; a person will follow up.");
    assertThat(run.answers()).anyMatch(a -> a.startsWith("To How do I reset my password?"));
    assertThat(run.meters().get("sluice.calls").tag("outcome", "fallback").counter().count()).isPositive();
    assertThat(run.meters().get("gen_ai.client.operation.duration").tag("gen_ai.provider.name", "simulated").timers()).isNotEmpty();
  }
}
