package dev.sluice.examples.openaisdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.audit.AuditEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenAI SDK example: the SDK's client answers through a route with usage, cost, labels, meters, a retry and a fallback. */
class OpenAiSdkAssistantTest {

  @Test
  void theSdksClientGetsUsageCostLabelsMetersARetryAndAFallback() throws Exception {
    OpenAiSdkAssistant.Run run = OpenAiSdkAssistant.run();

    assertThat(run.answers()).containsExactly("Open Settings, then Security.", "Use the Forgot password link.",
        "We cannot answer right now; a person will follow up.", "Settings, Security, Reset.");
    List<AuditEvent> audit = run.audit();
    assertThat(audit).extracting(AuditEvent::outcome).containsExactly("success", "success", "fallback", "success");
    assertThat(audit).extracting(AuditEvent::attempts).containsExactly(1, 2, 2, 1);
    assertThat(audit.get(0).usage()).containsEntry("input", 42L).containsEntry("output", 9L);
    assertThat(audit.get(0).costUsd()).isNotNull();
    assertThat(audit).allSatisfy(e -> assertThat(e.labels()).containsEntry("prompt_version", "support-v7"));
    assertThat(run.meters().get("gen_ai.client.operation.duration").tag("error.type", "server_error").timers()).isNotEmpty();
    assertThat(run.meters().get("gen_ai.client.operation.duration").tag("server.address", "127.0.0.1")
        .tag("gen_ai.response.model", "gpt-4o-mini-2024-07-18").timer().count()).isEqualTo(3);
  }
}
