package dev.sluice;

import dev.sluice.subject.Subject;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.SluiceException;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures.EchoModel;
import dev.sluice.Fixtures.Events;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.TokenUsage;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TagCardinalityTest {

  @Test
  void noSubjectTenantOrRequestIdEverBecomesATag() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Events events = new Events();
    int[] n = {0};
    // Every third call fails, so error paths are covered too.
    EchoModel model = new EchoModel(r -> {
      if (n[0]++ % 3 == 2) {
        throw ModelCallException.of(ModelCallException.Kind.SERVER_ERROR, "boom");
      }
      return ChatResponse.of("ok", TokenUsage.of(3, 3), "test", r.model());
    });
    Sluice sluice = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1")).build())
        .meterRegistry(registry)
        .auditSink(events::accept)
        .build();

    Set<String> identifiers = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      String user = "user-" + i + "-x";
      String tenant = "tenant-" + (i % 7) + "-x";
      String region = "region-" + (i % 3) + "-x";
      identifiers.add(user);
      identifiers.add(tenant);
      identifiers.add(region);
      try {
        SluiceResponse r = sluice.call("r", ChatRequest.ofUser("question " + i),
            Subject.builder().routingKey(user).tenant(tenant).region(region).plan("plan-" + i).build());
        identifiers.add(r.callId());
      } catch (SluiceException expected) {
        // failures are part of the run
      }
    }
    events.all.forEach(e -> identifiers.add(e.callId()));

    Set<String> tagValues = new HashSet<>();
    for (Meter m : registry.getMeters()) {
      for (Tag t : m.getId().getTags()) {
        tagValues.add(t.getValue());
        assertThat(t.getKey()).isNotIn("user", "tenant", "subject", "region", "plan", "call_id", "request_id");
      }
    }
    assertThat(tagValues).doesNotContainAnyElementsOf(identifiers);
    assertThat(tagValues).noneMatch(v -> v.startsWith("plan-") || v.endsWith("-x"));
    // The number of meters does not grow with the number of subjects.
    long meters = registry.getMeters().size();
    sluice.call("r", ChatRequest.ofUser("one more"), Subject.builder().routingKey("brand-new-user").tenant("brand-new-tenant").build());
    assertThat(registry.getMeters()).hasSize((int) meters);
  }

  @Test
  void aProviderNamingANewModelOnEveryAnswerCannotGrowTheRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int[] n = {0};
    EchoModel model = new EchoModel(r -> ChatResponse.of("ok", TokenUsage.of(3, 3), "test", "gpt-4o-" + n[0]++));
    Sluice sluice = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1")).build())
        .meterRegistry(registry).auditSink(e -> { }).build();
    for (int i = 0; i < 100; i++) {
      sluice.call("r", ChatRequest.ofUser("q"), Subject.of("u"));
    }
    int after100 = registry.getMeters().size();
    for (int i = 0; i < 1000; i++) {
      sluice.call("r", ChatRequest.ofUser("q"), Subject.of("u"));
    }
    assertThat(registry.getMeters()).hasSize(after100);
    assertThat(registry.find("gen_ai.client.operation.duration").tag("gen_ai.response.model", "other").timer().count()).isEqualTo(1100 - 16);
  }
}
