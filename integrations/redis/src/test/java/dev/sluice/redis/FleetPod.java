package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.audit.AuditEvent;
import dev.sluice.audit.AuditSink;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetPeriod;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.budget.BudgetScope;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelParameters;
import dev.sluice.outcome.BudgetExceededException;
import dev.sluice.release.Variant;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pod of {@link SeparateProcessesTest}, run in a JVM of its own: calls a route with a shared
 * dollar cap from 8 threads until the budget says no, then prints what its calls cost
 * ({@code cost=<usd>}) and exits.
 */
public final class FleetPod {

  private FleetPod() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String prefix = args[1];
    if (args.length > 2 && args[2].equals("die-holding")) {
      dieHolding(port, prefix);
      return;
    }
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
    ConcurrentLinkedQueue<AuditEvent> audit = new ConcurrentLinkedQueue<>();
    try (RedisBudgetLedger ledger = RedisBudgetLedger.builder(client).keyPrefix(prefix).build();
        Sluice sluice = pod(ledger, audit::add, 0)) {
      callUntilTheCap(List.of(sluice), 8, 200);
    } finally {
      client.shutdown();
    }
    BigDecimal cost = cost(audit);
    long served = audit.stream().filter(e -> e.outcome().equals("success")).count();
    System.out.println("cost=" + cost.toPlainString() + " served=" + served);
  }

  /** A pod of the fleet tests: one route, a global cap of one cent a day, on the given ledger. */
  static Sluice pod(RedisBudgetLedger ledger, AuditSink audit, long seed) {
    return pod(ledger, BudgetCap.usd(BudgetScope.GLOBAL, BudgetPeriod.DAY, "0.01"), audit, seed);
  }

  /**
   * A pod of the fleet tests with another global cap. Answers of 100 tokens at the median and 200 at
   * the 99th percentile never reach the requests' 400-token limit in practice (about 2 in a million
   * would, and be cut short: an error these tests do not expect).
   */
  static Sluice pod(RedisBudgetLedger ledger, BudgetCap cap, AuditSink audit, long seed) {
    return Sluice.builder()
        .route(Route.builder("support")
            .baseline(Variant.builder("v1").client(SimulatedModelClient.builder().noLatency().outputTokens(100, 200).seed(seed).build())
                .model("gpt-4o-mini").build())
            .budget(BudgetPolicy.builder().cap(cap).build())
            .build())
        .ledger(ledger).meterRegistry(new SimpleMeterRegistry()).auditSink(audit).build();
  }

  /**
   * {@code threads} threads, spread over the pods, each making {@code calls} calls and asking on
   * after the shared cap says no, as a busy service would; every answer has text. The denials.
   */
  static int callUntilTheCap(List<Sluice> pods, int threads, int calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger denied = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Sluice pod = pods.get(t % pods.size());
      int user = t;
      done.add(pool.submit(() -> {
        ChatRequest request = ChatRequest.builder().user("Where is my order " + user + "?")
            .parameters(ModelParameters.builder().maxOutputTokens(400).build()).build();
        for (int i = 0; i < calls; i++) {
          try {
            SluiceResponse r = pod.call("support", request, Subject.of("u" + user));
            assertThat(r.text()).isNotEmpty();
          } catch (BudgetExceededException e) {
            denied.incrementAndGet();
          }
        }
        return null;
      }));
    }
    try {
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return denied.get();
  }

  /** What the audited calls cost, in dollars. */
  static BigDecimal cost(Collection<AuditEvent> audit) {
    return audit.stream().filter(e -> e.costUsd() != null).map(e -> new BigDecimal(e.costUsd())).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /** Reserves 500 on one account with a five-second lease, says so, and dies at once, without settling. */
  static void dieHolding(int port, String prefix) {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
    RedisBudgetLedger ledger = RedisBudgetLedger.builder(client).keyPrefix(prefix).leaseTime(java.time.Duration.ofSeconds(5)).build();
    var r = ledger.reserve(List.of(new dev.sluice.budget.BudgetLedger.Line("held", 500, 1_000,
        java.time.Instant.now().plus(java.time.Duration.ofDays(1)))));
    System.out.println("reserved=" + r.isGranted());
    System.out.flush();
    Runtime.getRuntime().halt(137); // a pod killed mid-call: no settle, no close, no shutdown hook
  }
}
