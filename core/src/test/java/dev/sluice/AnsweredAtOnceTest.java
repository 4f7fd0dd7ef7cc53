package dev.sluice;

import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.outcome.ModelCallException;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.audit.AuditEvent;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetPeriod;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.budget.BudgetScope;
import dev.sluice.budget.InMemoryBudgetLedger;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ModelClient;
import dev.sluice.model.TokenUsage;
import dev.sluice.time.ManualTimeSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A model whose future is already complete when it returns takes the steps' synchronous fast path;
 * one that answers later takes the asynchronous one. Both must leave exactly the same traces:
 * answers, audit events, meters, breaker counts, bulkhead slots, budget ledger, timers.
 */
class AnsweredAtOnceTest {

  /** Every third call fails its first attempt with a 503; every fifth answers blank (bad output, retried). */
  static final class Script implements ModelClient {
    private final ManualTimeSource time;
    private final boolean atOnce;
    private final AtomicInteger attempts = new AtomicInteger();

    Script(ManualTimeSource time, boolean atOnce) {
      this.time = time;
      this.atOnce = atOnce;
    }

    @Override
    public String provider() {
      return "test";
    }

    @Override
    public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
      int n = attempts.incrementAndGet();
      CompletableFuture<ChatResponse> answer = new CompletableFuture<>();
      Runnable settle = () -> {
        if (n % 3 == 0) {
          answer.completeExceptionally(new ModelCallException(ModelCallException.Kind.SERVER_ERROR, 503, "busy", null, null));
        } else if (n % 5 == 0) {
          answer.complete(ChatResponse.of(" ", TokenUsage.of(30, 1), "test", "gpt-4o-mini"));
        } else {
          answer.complete(ChatResponse.of("answer " + n, TokenUsage.of(40 + n % 7, 12), "test", "gpt-4o-mini"));
        }
      };
      if (atOnce) {
        settle.run();
      } else {
        time.schedule(Duration.ofMillis(20), settle);
      }
      return answer;
    }
  }

  record Run(List<String> answers, List<String> events, Map<String, Double> meters, long breakerSuccesses,
      long breakerFailures, int freeSlots, long reserved, int pendingTimers) {}

  private static Run run(boolean atOnce) {
    ManualTimeSource time = new ManualTimeSource();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<AuditEvent> events = new ArrayList<>();
    Variant v = Variant.builder("v1").client(new Script(time, atOnce)).model("gpt-4o-mini").build();
    ResiliencePolicy policy = ResiliencePolicy.builder().maxAttempts(3).bulkhead(4, Duration.ZERO)
        .retryBudget(1.0, Duration.ofMinutes(1), 100).build();
    Sluice sluice = Sluice.builder()
        .route(Route.builder("support").baseline(v).resilience(policy)
            .budget(BudgetPolicy.builder().cap(BudgetCap.tokens(BudgetScope.TENANT, BudgetPeriod.DAY, 1_000_000)).build())
            .build())
        .timeSource(time)
        .meterRegistry(registry)
        .auditSink(events::add)
        .build();
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      CompletableFuture<SluiceResponse> call = sluice.callAsync("support", ChatRequest.ofUser("question " + i),
          Subject.builder().routingKey("user-" + i).tenant("acme").build());
      while (!call.isDone()) {
        time.advance(Duration.ofMillis(10));
      }
      SluiceResponse r = call.join();
      answers.add(r.text() + " | " + r.outcome() + " | " + r.attempts() + " | " + r.usage() + " | " + r.cost());
    }
    List<String> described = events.stream()
        .map(e -> e.outcome() + " " + e.attempts() + " " + e.usage() + " " + e.costUsd() + " " + e.details().keySet())
        .toList();
    CircuitBreaker.Metrics cb = sluice.circuitBreaker("support", "v1").getMetrics();
    long reserved = ((InMemoryBudgetLedger) sluice.ledger()).totalReserved();
    Run result = new Run(answers, described, meters(registry), cb.getNumberOfSuccessfulCalls(), cb.getNumberOfFailedCalls(),
        (int) registry.get("resilience4j.bulkhead.available.concurrent.calls").gauge().value(), reserved, time.pendingTasks());
    sluice.close();
    return result;
  }

  /** Counters and timer counts by name and tags (timer durations differ by design: one path waits 20 ms). */
  private static Map<String, Double> meters(MeterRegistry registry) {
    Map<String, Double> out = new TreeMap<>();
    for (Meter m : registry.getMeters()) {
      String key = m.getId().getName() + m.getId().getTags().stream().map(Tag::getValue).toList();
      m.measure().forEach(ms -> {
        String stat = ms.getStatistic().name();
        if (stat.equals("COUNT") || (stat.equals("TOTAL") && !m.getId().getName().contains("duration"))) {
          out.put(key + "." + stat, ms.getValue());
        }
      });
    }
    return out;
  }

  @Test
  void anAnswerReadyAtOnceLeavesTheSameTracesAsOneThatComesLater() {
    Run atOnce = run(true);
    Run later = run(false);

    assertThat(atOnce.answers()).hasSize(30).doesNotHaveDuplicates();
    assertThat(atOnce.answers()).isEqualTo(later.answers());
    assertThat(atOnce.events()).isEqualTo(later.events());
    assertThat(atOnce.meters()).isEqualTo(later.meters());
    assertThat(atOnce.breakerSuccesses()).isEqualTo(later.breakerSuccesses()).isPositive();
    assertThat(atOnce.breakerFailures()).isEqualTo(later.breakerFailures()).isPositive();
    assertThat(atOnce.freeSlots()).isEqualTo(later.freeSlots()).isEqualTo(4);
    assertThat(atOnce.meters()).anySatisfy((name, value) -> assertThat(name).startsWith("sluice.budget.spent"));
    assertThat(atOnce.reserved()).isZero();
    assertThat(later.reserved()).isZero();
    assertThat(atOnce.pendingTimers()).isZero();
    assertThat(later.pendingTimers()).isZero();
  }
}
