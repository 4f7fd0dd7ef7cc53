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
  void inLeasedModeFourPodsMakeFewerThanOneRoundTripInTenCallsAndTheLedgerStillHoldsExactlyWhatTheCallsCost() throws Exception {
    try (LocalRedis redis = LocalRedis.start()) {
      RedisClient client = redis.client();
      ConcurrentLinkedQueue<AuditEvent> audit = new ConcurrentLinkedQueue<>();
      List<Sluice> pods = new ArrayList<>();
      List<RedisBudgetLedger> ledgers = new ArrayList<>();
      BudgetCap cap = BudgetCap.usd(BudgetScope.GLOBAL, BudgetPeriod.DAY, "100");
      try {
        for (int pod = 0; pod < 4; pod++) {
          // Slices of 0.1% of $100: ten cents, a few hundred of these calls' worst cases.
          RedisBudgetLedger ledger = RedisBudgetLedger.builder(client).keyPrefix("leased:").leased(cap, 0.001).build();
          ledgers.add(ledger);
          pods.add(FleetPod.pod(ledger, cap, audit::add, pod));
        }
        int denied = FleetPod.callUntilTheCap(pods, 64, 100);
        assertThat(denied).as("far from the cap").isZero();
        long calls = audit.size();
        long roundTrips = ledgers.stream().mapToLong(RedisBudgetLedger::redisCalls).sum();
        System.out.printf("leased mode: %d calls on 4 pods, %d Redis round trips (%.4f per call)%n", calls, roundTrips,
            (double) roundTrips / calls);
        assertThat(calls).isEqualTo(64 * 100);
        assertThat((double) roundTrips / calls).as("round trips per call at steady state").isLessThan(0.1);
        var podMeters = pods.get(0).environment().meters();
        assertThat(podMeters.get("sluice.fleet.ledger.round_trips").functionCounter().count()).as("the pod's meters say so too")
            .isEqualTo(ledgers.get(0).redisCalls());
        assertThat(podMeters.get("sluice.fleet.ledger.pending").gauge().value()).isZero();
        ledgers.forEach(RedisBudgetLedger::close);
        try (RedisBudgetLedger reader = RedisBudgetLedger.builder(client).keyPrefix("leased:").build();
            Sluice fifth = FleetPod.pod(reader, cap, e -> { }, 9)) {
          var standing = fifth.budgetStandings("support").get(0);
          assertThat(standing.reserved()).as("closed pods gave their slices back").isZero();
          assertThat(BigDecimal.valueOf(standing.spent()).movePointLeft(9)).isEqualByComparingTo(FleetPod.cost(audit));
        }
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
        assertThat(pod.environment().meters().get("sluice.fleet.ledger.unavailable").functionCounter().count()).isPositive();
        redis.restart();
      } finally {
        client.shutdown();
      }
    }
  }

  @Test
  void failingOpenACallIsServedWhileRedisIsDownAndItsCostIsChargedWhenRedisIsBack() {
    try (LocalRedis redis = LocalRedis.start()) {
      RedisClient client = redis.client();
      ConcurrentLinkedQueue<AuditEvent> audit = new ConcurrentLinkedQueue<>();
      BudgetCap cap = BudgetCap.usd(BudgetScope.GLOBAL, BudgetPeriod.DAY, "1");
      try (RedisBudgetLedger ledger = RedisBudgetLedger.builder(client).keyPrefix("open:").failOpenUpTo(0.05).build();
          Sluice pod = FleetPod.pod(ledger, cap, audit::add, 1)) {
        pod.call("support", ChatRequest.ofUser("hello"), Subject.of("u1"));
        redis.stop();
        try {
          pod.call("support", ChatRequest.ofUser("hello again"), Subject.of("u1"));
          assertThat(ledger.pendingSettles()).as("the outage call's cost waits for Redis").isEqualTo(1);
        } finally {
          redis.restart();
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (ledger.pendingSettles() > 0 && System.nanoTime() < deadline) {
          try {
            ledger.flushPendingSettles(); // fails until the client has reconnected, on its own timer
          } catch (LedgerUnavailableException e) {
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
          }
        }
        assertThat(ledger.pendingSettles()).isZero();
        assertThat(BigDecimal.valueOf(pod.budgetStandings("support").get(0).spent()).movePointLeft(9))
            .isEqualByComparingTo(FleetPod.cost(audit));
        assertThat(audit).hasSize(2);
      } finally {
        client.shutdown();
      }
    }
  }
}
