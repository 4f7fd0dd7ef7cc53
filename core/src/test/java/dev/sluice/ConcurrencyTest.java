package dev.sluice;

import dev.sluice.subject.Subject;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures.EchoModel;
import dev.sluice.Fixtures.Events;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.TokenUsage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ConcurrencyTest {

  @Test
  void concurrentCallsFromManyThreadsKeepTheirOwnLabels() throws Exception {
    // Each model answers with the MDC variant it saw, so a mix-up between threads shows in the text.
    EchoModel a = new EchoModel(r -> ChatResponse.of("seen:" + MDC.get("sluice.variant") + ":" + MDC.get("sluice.route"),
        TokenUsage.of(5, 5), "test", r.model()));
    EchoModel b = new EchoModel(r -> ChatResponse.of("seen:" + MDC.get("sluice.variant") + ":" + MDC.get("sluice.route"),
        TokenUsage.of(5, 5), "test", r.model()));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Events events = new Events();
    Sluice sluice = Sluice.builder()
        .route(Route.builder("answer").baseline(Fixtures.variant("va", a, "gpt-4o", "pa")).build())
        .route(Route.builder("summary").baseline(Fixtures.variant("vb", b, "gpt-4o-mini", "pb")).build())
        .meterRegistry(registry)
        .auditSink(events::accept)
        .build();

    int threads = 16;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<CompletableFuture<List<String>>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String route = t % 2 == 0 ? "answer" : "summary";
      String variant = t % 2 == 0 ? "va" : "vb";
      String prompt = t % 2 == 0 ? "pa" : "pb";
      results.add(CompletableFuture.supplyAsync(() -> {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < perThread; i++) {
          SluiceResponse r = sluice.call(route, ChatRequest.ofUser("q" + i), Subject.of("u" + i));
          if (!r.variantId().equals(variant) || !r.labels().promptVersion().orElse("").equals(prompt)
              || !r.text().equals("seen:" + variant + ":" + route) || MDC.get("sluice.variant") != null) {
            problems.add(r + " text=" + r.text());
          }
        }
        return problems;
      }, pool));
    }
    for (CompletableFuture<List<String>> f : results) {
      assertThat(f.get(60, TimeUnit.SECONDS)).isEmpty();
    }
    pool.shutdown();

    int total = threads * perThread;
    assertThat(events.all).hasSize(total);
    assertThat(events.all).allSatisfy(e -> assertThat(e.labels().get("prompt_version"))
        .isEqualTo(e.variant().equals("va") ? "pa" : "pb"));
    assertThat(registry.get("sluice.calls").tag("variant", "va").tag("prompt_version", "pa").tag("outcome", "success").counter().count())
        .isEqualTo(total / 2.0);
    assertThat(registry.get("sluice.calls").tag("variant", "vb").tag("prompt_version", "pb").tag("outcome", "success").counter().count())
        .isEqualTo(total / 2.0);
    assertThat(a.mdcSeen).allSatisfy(m -> assertThat(m).containsEntry("sluice.variant", "va"));
    assertThat(b.mdcSeen).allSatisfy(m -> assertThat(m).containsEntry("sluice.variant", "vb"));
  }
}
