package dev.sluice.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.Fixtures.Events;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceCall;
import dev.sluice.audit.AuditEvent;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetPeriod;
import dev.sluice.budget.BudgetScope;
import dev.sluice.budget.BudgetStanding;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ModelClient;
import dev.sluice.model.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An {@code @LlmRoute} body that sends several requests at once through {@link SluiceCall#client()},
 * completed together on a pool of threads: the call's usage and cost, and the budget it settles,
 * must add up exactly. Before usage accumulated atomically, 3 to 7 of 5,000 such calls recorded
 * fewer tokens than they spent.
 */
class ParallelRequestsUsageTest {

  static final int FAN_OUT = 8;
  static final int CALLS = 600;

  @LlmRoute("fan-out")
  interface Researcher {
    String research(@RoutingKey String userId, String question);
  }

  /** Sends {@link #FAN_OUT} requests at once and waits for all of them. */
  static final class ParallelResearcher implements Researcher {
    @Override
    public String research(String userId, String question) {
      ModelClient client = SluiceCall.current().client();
      List<CompletableFuture<ChatResponse>> answers = new ArrayList<>();
      for (int i = 0; i < FAN_OUT; i++) {
        answers.add(client.chatAsync(ChatRequest.ofUser(question + " #" + i)).toCompletableFuture());
      }
      return answers.stream().map(CompletableFuture::join).map(ChatResponse::text).reduce("", String::concat);
    }
  }

  /** Completes every request of a fan-out at the same moment, each on its own pool thread. */
  static final class TogetherModel implements ModelClient {
    final ExecutorService pool = Executors.newFixedThreadPool(FAN_OUT);
    final CyclicBarrier together = new CyclicBarrier(FAN_OUT);

    @Override
    public String provider() {
      return "test";
    }

    @Override
    public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
      return CompletableFuture.supplyAsync(() -> {
        try {
          together.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return ChatResponse.of("x", TokenUsage.of(3, 4), "test", request.model());
      }, pool);
    }
  }

  final TogetherModel model = new TogetherModel();

  @AfterEach
  void stopPool() {
    model.pool.shutdownNow();
  }

  @Test
  void usageAndBudgetAddUpExactlyWhenOneCallsRequestsCompleteOnManyThreads() {
    Events events = new Events();
    BudgetCap cap = BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 1_000_000_000L);
    Sluice sluice = Sluice.builder()
        .route(Route.builder("fan-out").baseline(Fixtures.variant("v1", model, "gpt-4o-mini", "p1")).build())
        .budget(cap)
        .auditSink(events::accept)
        .build();
    Researcher researcher = sluice.proxy(Researcher.class, new ParallelResearcher());

    for (int i = 0; i < CALLS; i++) {
      assertThat(researcher.research("user-" + i, "q")).hasSize(FAN_OUT);
    }

    assertThat(events.all).hasSize(CALLS);
    for (AuditEvent e : events.all) {
      assertThat(e.usage()).as("usage of call %s", e.callId())
          .containsEntry("input", 3L * FAN_OUT).containsEntry("output", 4L * FAN_OUT);
    }
    BudgetStanding standing = sluice.budgetStandings("fan-out").get(0);
    assertThat(standing.reserved()).isZero();
    assertThat(standing.spent()).isEqualTo((long) CALLS * FAN_OUT * 7);
  }
}
