package dev.sluice.benchmarks;

import dev.sluice.budget.BudgetLedger;
import dev.sluice.budget.InMemoryBudgetLedger;
import dev.sluice.budget.ReserveResult;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reserve plus settle on the in-memory ledger, the budget step's cost per attempt: three accounts
 * (global, route, tenant) as a typical route has, with a limit high enough that nothing is denied.
 * With two threads the global and route accounts are shared, as in production.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LedgerBenchmark {

  private InMemoryBudgetLedger ledger;
  private List<BudgetLedger.Line> lines;
  private final long[] actual = {900, 900, 900};

  @Setup
  public void setUp() {
    ledger = new InMemoryBudgetLedger();
    Instant end = Instant.parse("2100-01-01T00:00:00Z");
    lines = List.of(
        new BudgetLedger.Line("global/day/usd|*|2026-11-22", 1000, Long.MAX_VALUE / 4, end),
        new BudgetLedger.Line("route/day/usd|support|2026-11-22", 1000, Long.MAX_VALUE / 4, end),
        new BudgetLedger.Line("tenant/day/usd|acme|2026-11-22", 1000, Long.MAX_VALUE / 4, end));
  }

  @Benchmark
  @Threads(1)
  public ReserveResult reserveAndSettleOneThread() {
    return reserveAndSettle();
  }

  @Benchmark
  @Threads(2)
  public ReserveResult reserveAndSettleTwoThreads() {
    return reserveAndSettle();
  }

  private ReserveResult reserveAndSettle() {
    ReserveResult r = ledger.reserve(lines);
    ledger.settle(r.reservation(), actual);
    return r;
  }
}
