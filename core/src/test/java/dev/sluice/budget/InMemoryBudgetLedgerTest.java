package dev.sluice.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.time.ManualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class InMemoryBudgetLedgerTest {

  static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void aReservationIsAllOrNone() {
    InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
    BudgetLedger.Line global = new BudgetLedger.Line("global", 60, 100, LATER);
    BudgetLedger.Line tenant = new BudgetLedger.Line("tenant:a", 60, 50, LATER);

    ReserveResult r = ledger.reserve(List.of(global, tenant));

    assertThat(r.isGranted()).isFalse();
    assertThat(r.deniedLine()).isEqualTo(1);
    assertThat(ledger.balance("global")).isEqualTo(BudgetLedger.Balance.EMPTY);
    assertThat(ledger.totalReserved()).isZero();
  }

  @Test
  void settleSpendsTheActualAndReleasesTheRest() {
    InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
    ReserveResult r = ledger.reserve(List.of(new BudgetLedger.Line("a", 40, 100, LATER)));
    assertThat(r.usedAfter(0)).isEqualTo(40);
    ledger.settle(r.reservation(), new long[] {15});
    assertThat(ledger.balance("a")).isEqualTo(new BudgetLedger.Balance(15, 0));
    ReserveResult s = ledger.reserve(List.of(new BudgetLedger.Line("a", 85, 100, LATER)));
    assertThat(s.isGranted()).isTrue();
    ledger.release(s.reservation());
    assertThat(ledger.balance("a")).isEqualTo(new BudgetLedger.Balance(15, 0));
  }

  @Test
  void accountsOfPastPeriodsAreForgottenOnceIdle() {
    ManualTimeSource time = new ManualTimeSource();
    InMemoryBudgetLedger ledger = new InMemoryBudgetLedger(time);
    Instant end = time.now().plusSeconds(60);
    for (int i = 0; i < 100; i++) {
      ReserveResult r = ledger.reserve(List.of(new BudgetLedger.Line("old-" + i, 1, 10, end)));
      ledger.settle(r.reservation(), new long[] {1});
    }
    time.advance(Duration.ofMinutes(2));
    for (int i = 0; i < 5000; i++) {
      ReserveResult r = ledger.reserve(List.of(new BudgetLedger.Line("new", 0, 10, time.now().plusSeconds(60))));
      ledger.release(r.reservation());
    }
    assertThat(ledger.accounts()).isEqualTo(1);
  }

  /**
   * Many threads reserve random amounts on overlapping accounts, then settle random actual amounts
   * no larger than reserved. No account's spend ever exceeds its limit, nothing stays reserved, and
   * each account's spend is exactly the sum of what was settled on it.
   */
  @Property(tries = 25)
  void concurrentReservationsNeverOverspendAndSettleExactly(
      @ForAll @IntRange(min = 2, max = 16) int threads,
      @ForAll @LongRange(min = 50, max = 5_000) long limit,
      @ForAll @IntRange(min = 1, max = 4) int accountsPerCall) throws Exception {
    InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
    String[] accounts = {"global", "route", "tenant:a", "tenant:b", "variant"};
    AtomicLong[] settled = new AtomicLong[accounts.length];
    for (int i = 0; i < accounts.length; i++) {
      settled[i] = new AtomicLong();
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> work = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      work.add(pool.submit(() -> {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int k = 0; k < 300; k++) {
          int first = rnd.nextInt(accounts.length);
          List<BudgetLedger.Line> lines = new ArrayList<>();
          List<Integer> which = new ArrayList<>();
          for (int j = 0; j < accountsPerCall; j++) {
            int a = (first + j) % accounts.length;
            which.add(a);
            lines.add(new BudgetLedger.Line(accounts[a], rnd.nextLong(1, limit / 5 + 2), limit, LATER));
          }
          ReserveResult r = ledger.reserve(lines);
          for (int j = 0; j < lines.size(); j++) {
            assertThat(ledger.balance(lines.get(j).account()).used()).isLessThanOrEqualTo(limit);
          }
          if (r.isGranted()) {
            long[] actual = new long[lines.size()];
            for (int j = 0; j < lines.size(); j++) {
              actual[j] = rnd.nextLong(0, lines.get(j).amount() + 1);
              settled[which.get(j)].addAndGet(actual[j]);
            }
            if (rnd.nextInt(10) == 0) {
              ledger.release(r.reservation());
              for (int j = 0; j < lines.size(); j++) {
                settled[which.get(j)].addAndGet(-actual[j]);
              }
            } else {
              ledger.settle(r.reservation(), actual);
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : work) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(ledger.totalReserved()).isZero();
    for (int i = 0; i < accounts.length; i++) {
      assertThat(ledger.balance(accounts[i]).spent()).isLessThanOrEqualTo(limit).isEqualTo(settled[i].get());
    }
  }
}
