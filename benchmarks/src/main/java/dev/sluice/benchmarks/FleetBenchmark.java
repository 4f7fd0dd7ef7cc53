package dev.sluice.benchmarks;

import dev.sluice.budget.BudgetLedger;
import dev.sluice.budget.ReserveResult;
import dev.sluice.redis.RedisBudgetLedger;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import redis.embedded.RedisServer;

/**
 * Reserve plus settle on the shared Redis ledger, the cost fleet mode adds to every attempt, on a
 * Redis the benchmark starts on 127.0.0.1 (the same three accounts as {@link LedgerBenchmark}).
 * Exact mode: one script round trip each; with 8 threads on one connection, Lettuce pipelines their
 * commands. Leased mode: slices that hold about 250 of these calls' spend, so about one round trip
 * (take a slice, give one back) per 125 calls; the tear-down prints the round trips per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FleetBenchmark {

  private RedisServer server;
  private RedisClient client;
  private RedisBudgetLedger ledger;
  private RedisBudgetLedger leased;
  private final java.util.concurrent.atomic.LongAdder leasedCalls = new java.util.concurrent.atomic.LongAdder();
  private io.lettuce.core.api.StatefulRedisConnection<String, String> ping;
  private List<BudgetLedger.Line> lines;
  private final long[] actual = {900, 900, 900};

  @Setup
  public void setUp() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
        .setting("dir " + Files.createTempDirectory("sluice-bench-redis")).setting("save \"\"").build();
    server.start();
    client = RedisClient.create("redis://127.0.0.1:" + port);
    ledger = RedisBudgetLedger.builder(client).keyPrefix("bench:").build();
    // A slice of 1e-13 of these limits (2.3e18) is about 230,000: some 250 calls' spend of 900.
    leased = RedisBudgetLedger.builder(client).keyPrefix("bench-leased:").leasedByDefault(1e-13).build();
    ping = client.connect();
    Instant end = Instant.parse("2100-01-01T00:00:00Z");
    lines = List.of(
        new BudgetLedger.Line("global/day/usd|*|2026-11-22", 1000, Long.MAX_VALUE / 4, end),
        new BudgetLedger.Line("route/day/usd|support|2026-11-22", 1000, Long.MAX_VALUE / 4, end),
        new BudgetLedger.Line("tenant/day/usd|acme|2026-11-22", 1000, Long.MAX_VALUE / 4, end));
  }

  @TearDown
  public void tearDown() throws IOException {
    if (leasedCalls.sum() > 0) {
      System.out.printf("%nleased mode: %d calls, %d Redis round trips (%.4f per call)%n", leasedCalls.sum(), leased.redisCalls(),
          (double) leased.redisCalls() / leasedCalls.sum());
    }
    leased.close();
    ledger.close();
    ping.close();
    client.shutdown();
    server.stop();
  }

  @Benchmark
  @Threads(1)
  public ReserveResult redisReserveAndSettleOneThread() {
    return reserveAndSettle();
  }

  @Benchmark
  @Threads(8)
  public ReserveResult redisReserveAndSettleEightThreads() {
    return reserveAndSettle();
  }

  @Benchmark
  @Threads(1)
  public ReserveResult leasedReserveAndSettleOneThread() {
    return leasedReserveAndSettle();
  }

  @Benchmark
  @Threads(8)
  public ReserveResult leasedReserveAndSettleEightThreads() {
    return leasedReserveAndSettle();
  }

  private ReserveResult leasedReserveAndSettle() {
    ReserveResult r = leased.reserve(lines);
    leased.settle(r.reservation(), actual);
    leasedCalls.increment();
    return r;
  }

  /** One PING on a connection of the same client: the round trip itself, for scale. */
  @Benchmark
  @Threads(1)
  public String redisPingOneThread() {
    return ping.sync().ping();
  }

  private ReserveResult reserveAndSettle() {
    ReserveResult r = ledger.reserve(lines);
    ledger.settle(r.reservation(), actual);
    return r;
  }
}
