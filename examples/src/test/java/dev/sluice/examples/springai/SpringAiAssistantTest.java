package dev.sluice.examples.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.audit.AuditEvent;
import org.junit.jupiter.api.Test;

/** The Spring AI example: usage, cost, labels, meters, retries and a fallback come through a ChatClient. */
class SpringAiAssistantTest {

  @Test
  void aChatClientOverARouteGetsUsageCostLabelsMetersRetriesAndAFallback() {
    SpringAiAssistant.Run run = SpringAiAssistant.run(40);

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
    assertThat(run.meters().get("gen_ai.client.token.usage").tag("gen_ai.token.type", "output").summary().totalAmount()).isPositive();
  }
}
