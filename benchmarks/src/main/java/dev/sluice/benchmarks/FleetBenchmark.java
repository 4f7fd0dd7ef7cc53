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
 * Reserve plus settle on the shared Redis ledger (exact mode: one script round trip each), the
 * cost fleet mode adds to every attempt, on a Redis the benchmark starts on 127.0.0.1 (the same
 * three accounts as {@link LedgerBenchmark}). With 8 threads on one connection, Lettuce pipelines
 * their commands.
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
    ping = client.connect();
    Instant end = Instant.parse("2100-01-01T00:00:00Z");
    lines = List.of(
        new BudgetLedger.Line("global/day/usd|*|2026-11-22", 1000, Long.MAX_VALUE / 4, end),
        new BudgetLedger.Line("route/day/usd|support|2026-11-22", 1000, Long.MAX_VALUE / 4, end),
        new BudgetLedger.Line("tenant/day/usd|acme|2026-11-22", 1000, Long.MAX_VALUE / 4, end));
  }

  @TearDown
  public void tearDown() throws IOException {
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
