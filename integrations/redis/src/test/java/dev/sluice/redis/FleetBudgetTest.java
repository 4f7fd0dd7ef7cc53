package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.audit.AuditEvent;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetPeriod;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.budget.BudgetScope;
import dev.sluice.model.ChatRequest;
import dev.sluice.release.Variant;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two Sluice instances (two pods) on one Redis share one global dollar cap: together they stop at
 * it, and what the ledger says was spent is exactly what the two instances' audit events say the
 * calls cost. Before the Redis ledger each pod would have spent the cap on its own.
 */
class FleetBudgetTest {

  @Test
  void twoInstancesStopAtOneSharedCapAndTheLedgerHoldsExactlyWhatTheCallsCost() throws Exception {
    try (LocalRedis redis = LocalRedis.start()) {
      RedisClient client = redis.client();
      ConcurrentLinkedQueue<AuditEvent> audit = new ConcurrentLinkedQueue<>();
      List<Sluice> pods = new ArrayList<>();
      List<RedisBudgetLedger> ledgers = new ArrayList<>();
      try {
        for (int pod = 0; pod < 2; pod++) {
          RedisBudgetLedger ledger = RedisBudgetLedger.builder(client).keyPrefix("fleet:").build();
          ledgers.add(ledger);
          pods.add(FleetPod.pod(ledger, audit::add, pod));
        }
        int denied = FleetPod.callUntilTheCap(pods, 16, 200);
        var standing = pods.get(0).budgetStandings("support").get(0);
        assertThat(pods.get(1).budgetStandings("support").get(0).spent()).as("both pods read one account").isEqualTo(standing.spent());
        BigDecimal spent = BigDecimal.valueOf(standing.spent()).movePointLeft(9);
        BigDecimal audited = FleetPod.cost(audit);
        assertThat(denied).as("the shared cap was reached").isPositive();
        assertThat(standing.reserved()).isZero();
        assertThat(spent).isEqualByComparingTo(audited).isLessThanOrEqualTo(new BigDecimal("0.01"));
        assertThat(audit.stream().filter(e -> e.outcome().equals("success")).count()).as("both pods served calls").isGreaterThan(10);
      } finally {
        pods.forEach(Sluice::close);
        ledgers.forEach(RedisBudgetLedger::close);
        client.shutdown();
      }
    }
  }

  @Test
  void withRedisDownACallIsRefusedNamingTheCauseAndTheModelIsNotCalled() {
    AtomicInteger modelCalls = new AtomicInteger();
    try (LocalRedis redis = LocalRedis.start()) {
      RedisClient client = redis.client();
      try (RedisBudgetLedger ledger = RedisBudgetLedger.builder(client).keyPrefix("down:").build();
          Sluice pod = Sluice.builder()
              .route(Route.builder("support")
                  .baseline(Variant.builder("v1").client(SimulatedModelClient.builder().noLatency()
                      .responder(r -> {
                        modelCalls.incrementAndGet();
                        return "ok";
                      }).build()).model("gpt-4o-mini").build())
                  .budget(BudgetPolicy.builder().cap(BudgetCap.usd(BudgetScope.GLOBAL, BudgetPeriod.DAY, "1")).build())
                  .build())
              .ledger(ledger).meterRegistry(new SimpleMeterRegistry()).auditSink(e -> { }).build()) {
        pod.call("support", ChatRequest.ofUser("hello"), Subject.of("u1"));
        redis.stop();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pod.call("support", ChatRequest.ofUser("hello"), Subject.of("u1")))
            .isInstanceOf(LedgerUnavailableException.class).hasMessageContaining("Redis budget ledger");
        assertThat(modelCalls.get()).as("no call the budget did not count").isEqualTo(1);
        redis.restart();
      } finally {
        client.shutdown();
      }
    }
  }
}
