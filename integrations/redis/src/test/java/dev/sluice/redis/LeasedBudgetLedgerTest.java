package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetLedger.Balance;
import dev.sluice.budget.BudgetLedger.Line;
import dev.sluice.budget.BudgetPeriod;
import dev.sluice.budget.BudgetScope;
import dev.sluice.budget.ReserveResult;
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
import org.junit.jupiter.api.Test;

/**
 * Leased mode on a real Redis: a pod takes a slice of a cap and reserves against it without a round
 * trip; the slice goes back, settled at what was spent, when it is full, idle or the pod closes; the
 * cap holds across pods and threads; a dead pod's slice returns when its lease expires; with Redis
 * down a pod serves from its slice and fails closed when it needs another; Redis stopped and
 * restarted under load (exact and leased caps side by side) loses no spend and counts none twice.
 */
class LeasedBudgetLedgerTest extends OnRedis {

  final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-11-30T12:00:00Z"));
  /** A cap in leased mode and one in exact mode, as the budget step names their accounts. */
  final BudgetCap leasedCap = BudgetCap.tokens(BudgetScope.GLOBAL, BudgetPeriod.DAY, 1_000);
  final BudgetCap exactCap = BudgetCap.tokens(BudgetScope.TENANT, BudgetPeriod.DAY, 1_000);
  final String leased = leasedCap.id() + "|*|2026-11-30T00:00:00Z";
  final String exact = exactCap.id() + "|acme|2026-11-30T00:00:00Z";
  /** Slices of a tenth of the leased cap's limit (100 tokens). */
  RedisBudgetLedger pod() {
    RedisBudgetLedger l = RedisBudgetLedger.builder(client).keyPrefix(prefix).leaseTime(Duration.ofMinutes(5)).timeSource(time)
        .leased(leasedCap, 0.1).build();
    closing(l);
    return l;
  }

  /** What Redis holds for an account, read through a ledger of its own (the pods may be closed). */
  Balance onRedis(String account) {
    try (RedisBudgetLedger reader = RedisBudgetLedger.builder(client).keyPrefix(prefix).timeSource(time).build()) {
      return reader.balance(account);
    }
  }

  Line line(String account, long amount) {
    return new Line(account, amount, 1_000, time.now().plus(Duration.ofDays(1)));
  }

  @Test
  void tenCallsDrawOnOneSliceWithOneRoundTripAndTheSpendReachesRedisWhenItGoesBack() {
    RedisBudgetLedger pod = pod();
    for (int i = 0; i < 10; i++) {
      ReserveResult r = pod.reserve(List.of(line(leased, 10)));
      assertThat(r.isGranted()).isTrue();
      assertThat(r.usedAfter(0)).as("the account's use as of the slice: the slice counted in full").isEqualTo(100);
      pod.settle(r.reservation(), new long[] {6});
    }
    assertThat(pod.redisCalls()).as("one slice taken, nothing else").isEqualTo(1);
    assertThat(pod.slicesHeld()).isEqualTo(1);
    assertThat(pod.balance(leased)).as("the slice is reserved on Redis in full").isEqualTo(new Balance(0, 100));
    time.advance(Duration.ofSeconds(2));
    pod.sweep();
    assertThat(pod.slicesHeld()).as("an idle slice goes back").isZero();
    assertThat(pod.balance(leased)).as("settled at what its ten calls spent").isEqualTo(new Balance(60, 0));
  }

  @Test
  void aFullSliceGoesBackBeforeTheNextIsTakenSoItsRoomCountsForTheNext() {
    RedisBudgetLedger pod = pod();
    RedisBudgetLedger other = pod();
    // The other pod holds 850: only 150 are left, the first pod's slice of 100 among them.
    ReserveResult big = other.reserve(List.of(line(leased, 850)));
    assertThat(big.isGranted()).isTrue();
    ReserveResult first = pod.reserve(List.of(line(leased, 60)));
    pod.settle(first.reservation(), new long[] {10});
    // 90 free in the slice is not enough for 95; given back (spent 10), 140 are left: a slice of 100.
    ReserveResult second = pod.reserve(List.of(line(leased, 95)));
    assertThat(second.isGranted()).isTrue();
    assertThat(pod.balance(leased)).isEqualTo(new Balance(10, 950));
    // Now 40 are left: a call needing 50 does not fit anywhere, and says what the account held.
    pod.settle(second.reservation(), new long[] {95});
    ReserveResult third = pod.reserve(List.of(line(leased, 50)));
    assertThat(third.isGranted()).as("the first slice had 5 free; the account 40").isFalse();
    assertThat(third.deniedBalance()).isEqualTo(new Balance(105, 850));
    assertThat(pod.reserve(List.of(line(leased, 40))).isGranted()).as("what is left is granted, a slice smaller than asked").isTrue();
  }

  @Test
  void aLeasedAndAnExactLineAreAllOrNone() {
    RedisBudgetLedger pod = pod();
    ReserveResult denied = pod.reserve(List.of(line(leased, 30), line(exact, 1_500)));
    assertThat(denied.isGranted()).isFalse();
    assertThat(denied.deniedLine()).as("the exact line, by its index in the call's lines").isEqualTo(1);
    ReserveResult r = pod.reserve(List.of(line(leased, 100), line(exact, 40)));
    assertThat(r.isGranted()).as("the refused call's draw of 30 was put back: the slice has its 100").isTrue();
    pod.settle(r.reservation(), new long[] {70, 25});
    pod.settle(r.reservation(), new long[] {70, 25});
    assertThat(pod.balance(exact)).as("the exact line settled once").isEqualTo(new Balance(25, 0));
    pod.close();
    assertThat(onRedis(leased)).as("a closing pod gives its slice back, settled once").isEqualTo(new Balance(70, 0));
  }

  @Test
  void aCallSpendingMoreThanItReservedIsCountedInFull() {
    RedisBudgetLedger pod = pod();
    ReserveResult r = pod.reserve(List.of(line(leased, 10)));
    pod.settle(r.reservation(), new long[] {130});
    pod.close();
    assertThat(onRedis(leased)).isEqualTo(new Balance(130, 0));
  }

  @Test
  void aDeadPodsSliceReturnsWhenItsLeaseExpires() {
    RedisBudgetLedger dead = RedisBudgetLedger.builder(client).keyPrefix(prefix).leaseTime(Duration.ofMinutes(5)).timeSource(time)
        .leasedByDefault(0.5).build(); // never closed: the pod died
    RedisBudgetLedger alive = pod();
    assertThat(dead.reserve(List.of(line(leased, 10))).isGranted()).isTrue();
    assertThat(alive.reserve(List.of(line(leased, 600))).isGranted()).as("the dead pod's slice of 500 holds").isFalse();
    time.advance(Duration.ofMinutes(5).plusMillis(1));
    assertThat(alive.reserve(List.of(line(leased, 600))).isGranted()).as("its lease expired").isTrue();
  }

  @Test
  void withRedisDownAPodServesFromItsSliceAndFailsClosedWhenItNeedsAnother() {
    RedisBudgetLedger pod = pod();
    ReserveResult first = pod.reserve(List.of(line(leased, 10)));
    redis.stop();
    long served = 0;
    try {
      pod.settle(first.reservation(), new long[] {10});
      for (int i = 0; i < 9; i++) {
        ReserveResult r = pod.reserve(List.of(line(leased, 10)));
        pod.settle(r.reservation(), new long[] {10});
        served++;
      }
      assertThatThrownBy(() -> pod.reserve(List.of(line(leased, 10))))
          .isInstanceOf(LedgerUnavailableException.class).hasMessageContaining("Redis budget ledger");
    } finally {
      redis.restart();
    }
    assertThat(served).as("the rest of the slice served calls without Redis").isEqualTo(9);
    ReserveResult after = RedisBudgetLedgerTest.awaitReserve(pod, List.of(line(leased, 10)));
    pod.settle(after.reservation(), new long[] {10});
    pod.close();
    assertThat(onRedis(leased)).as("the slice spent in the outage was counted, once").isEqualTo(new Balance(110, 0));
  }

  @Test
  void slicesRetiredByTheSweepWhileCallsDrawOnThemLoseNothing() throws Exception {
    long cap = 1_000_000_000L;
    BudgetCap big = BudgetCap.tokens(BudgetScope.GLOBAL, BudgetPeriod.DAY, cap);
    String account = big.id() + "|*|2026-11-30T00:00:00Z";
    List<RedisBudgetLedger> pods = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      RedisBudgetLedger l = RedisBudgetLedger.builder(client).keyPrefix(prefix).timeSource(time).leased(big, 0.000_01)
          .sliceIdleTime(Duration.ofMillis(100)).build();
      closing(l);
      pods.add(l);
    }
    AtomicLong settled = new AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    ExecutorService threads = Executors.newFixedThreadPool(10);
    List<Future<?>> done = new ArrayList<>();
    Future<?> clock = threads.submit(() -> {
      while (running.get()) {
        time.advance(Duration.ofMillis(50)); // the sweeps find slices idle while calls draw on them
        pods.forEach(RedisBudgetLedger::sweep);
      }
      return null;
    });
    for (int t = 0; t < 8; t++) {
      RedisBudgetLedger pod = pods.get(t % 2);
      done.add(threads.submit(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 2_000; i++) {
          long amount = 1 + random.nextInt(1_000);
          ReserveResult r = pod.reserve(List.of(new Line(account, amount, cap, time.now().plus(Duration.ofDays(1)))));
          assertThat(r.isGranted()).isTrue();
          long actual = random.nextLong(amount + 1);
          pod.settle(r.reservation(), new long[] {actual});
          settled.addAndGet(actual);
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    running.set(false);
    clock.get(10, TimeUnit.SECONDS);
    threads.shutdown();
    pods.forEach(RedisBudgetLedger::close);
    assertThat(onRedis(account)).isEqualTo(new Balance(settled.get(), 0));
  }

  @Test
  void redisStoppedAndRestartedUnderLoadLosesNoSpendAndCountsNoneTwice() throws Exception {
    // Two pods with a cap in exact mode and a cap in leased mode, 16 threads calling through both
    // while Redis goes down and comes back (its append-only file keeps the data).
    long cap = 1_000_000_000L;
    BudgetCap exactBig = BudgetCap.tokens(BudgetScope.TENANT, BudgetPeriod.DAY, cap);
    BudgetCap leasedBig = BudgetCap.tokens(BudgetScope.GLOBAL, BudgetPeriod.DAY, cap);
    String exactAccount = exactBig.id() + "|acme|2026-11-30T00:00:00Z";
    String leasedAccount = leasedBig.id() + "|*|2026-11-30T00:00:00Z";
    List<RedisBudgetLedger> pods = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      RedisBudgetLedger l = RedisBudgetLedger.builder(client).keyPrefix(prefix).leaseTime(Duration.ofMinutes(5)).timeSource(time)
          .leased(leasedBig, 0.000_005).build();
      closing(l);
      pods.add(l);
    }
    AtomicLong settledExact = new AtomicLong();
    AtomicLong settledLeased = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(16);
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      RedisBudgetLedger pod = pods.get(t % 2);
      boolean leasedLine = t % 4 < 2;
      String account = leasedLine ? leasedAccount : exactAccount;
      done.add(threads.submit(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < end) {
          long amount = 1 + random.nextInt(1_000);
          ReserveResult r;
          try {
            r = pod.reserve(List.of(new Line(account, amount, cap, time.now().plus(Duration.ofDays(1)))));
          } catch (LedgerUnavailableException e) {
            refused.incrementAndGet();
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // real time: Redis is down
            continue;
          }
          long actual = random.nextLong(amount + 1);
          pod.settle(r.reservation(), new long[] {actual}); // kept and sent again if Redis is down now
          (leasedLine ? settledLeased : settledExact).addAndGet(actual);
        }
        return null;
      }));
    }
    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(400));
    redis.stop();
    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(400));
    redis.restart();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    threads.shutdown();
    assertThat(refused.get()).as("calls were refused while Redis was down (fail closed)").isPositive();
    for (RedisBudgetLedger pod : pods) {
      RedisBudgetLedgerTest.awaitReserve(pod, List.of(line("reconnected", 1))); // reconnected: kept settles sent first
      pod.close(); // slices given back
    }
    assertThat(onRedis(exactAccount).spent()).as("exact mode: every settled amount, once").isEqualTo(settledExact.get());
    assertThat(onRedis(leasedAccount).spent()).as("leased mode: every settled amount, once").isEqualTo(settledLeased.get());
    // A reservation Redis made whose reply was lost with the connection is held until its lease ends.
    time.advance(Duration.ofMinutes(5).plusMillis(1));
    assertThat(onRedis(exactAccount).reserved()).isZero();
    assertThat(onRedis(leasedAccount).reserved()).isZero();
  }

  @Test
  void fourPodsAndSixtyFourThreadsNeverSpendOverTheCapAndSettleExactly() throws Exception {
    long cap = 50_000;
    BudgetCap big = BudgetCap.tokens(BudgetScope.GLOBAL, BudgetPeriod.DAY, cap);
    String account = big.id() + "|*|2026-11-30T00:00:00Z";
    List<RedisBudgetLedger> pods = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      RedisBudgetLedger l = RedisBudgetLedger.builder(client).keyPrefix(prefix).timeSource(time).leased(big, 0.02).build();
      closing(l);
      pods.add(l);
    }
    ThreadedSpend spend = ThreadedSpend.run(pods, 64, 200,
        (thread, amount) -> List.of(new Line(account, amount, cap, time.now().plus(Duration.ofDays(1)))), cap);
    pods.forEach(RedisBudgetLedger::close);
    Balance global = onRedis(account);
    assertThat(global.reserved()).as("every slice went back").isZero();
    assertThat(global.spent()).as("spent is exactly what was settled").isEqualTo(spend.settled()).isLessThanOrEqualTo(cap);
    assertThat(spend.granted()).as("the cap was reached, so denials were exercised").isLessThan(64 * 200);
  }
}
