package dev.sluice.examples.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnotatedAssistantTest {

  @Test
  void theProxySplitsUsersBetweenThePromptsAsThePlanSays() {
    Map<String, Integer> versions = AnnotatedAssistant.run(1000);
    assertThat(versions.keySet()).containsExactlyInAnyOrder("support-v7", "support-v8");
    assertThat(versions.get("support-v8")).as("50% stage, 1000 users").isBetween(430, 570);
  }
}
