package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.budget.BudgetLedger.Balance;
import dev.sluice.budget.BudgetLedger.Line;
import dev.sluice.budget.ReserveResult;
import dev.sluice.time.ManualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The shared ledger on a real Redis server (started by the test on 127.0.0.1): all-or-none
 * reservations, exact settlement, settles that count once however often they are sent, leases that
 * give a dead pod's reservations back, and four ledgers (four pods' connections) with 64 threads
 * that never spend a unit over a cap.
 */
class RedisBudgetLedgerTest extends OnRedis {

  final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-11-30T12:00:00Z"));

  RedisBudgetLedger ledger() {
    return closing(RedisBudgetLedger.builder(client).keyPrefix(prefix).leaseTime(Duration.ofMinutes(5)).timeSource(time).build());
  }

  Line line(String account, long amount, long limit) {
    return new Line(account, amount, limit, time.now().plus(Duration.ofDays(1)));
  }

  @Test
  void aReservationIsSettledExactlyOnEveryAccount() {
    RedisBudgetLedger ledger = ledger();
    ReserveResult r = ledger.reserve(List.of(line("global", 100, 1_000), line("tenant:acme", 100, 300)));
    assertThat(r.isGranted()).isTrue();
    assertThat(r.usedAfter(0)).isEqualTo(100);
    assertThat(ledger.balance("global")).isEqualTo(new Balance(0, 100));
    ledger.settle(r.reservation(), new long[] {40, 40});
    assertThat(ledger.balance("global")).isEqualTo(new Balance(40, 0));
    assertThat(ledger.balance("tenant:acme")).isEqualTo(new Balance(40, 0));
  }

  @Test
  void aReservationIsAllOrNone() {
    RedisBudgetLedger ledger = ledger();
    ReserveResult denied = ledger.reserve(List.of(line("global", 100, 1_000), line("tenant:acme", 400, 300)));
    assertThat(denied.isGranted()).isFalse();
    assertThat(denied.deniedLine()).isEqualTo(1);
    assertThat(ledger.balance("global")).as("nothing reserved on the line that fitted").isEqualTo(Balance.EMPTY);
  }

  @Test
  void anAccountOnTwoLinesIsCheckedWithBoth() {
    RedisBudgetLedger ledger = ledger();
    assertThat(ledger.reserve(List.of(line("a", 60, 100), line("a", 60, 100))).isGranted()).isFalse();
    ReserveResult r = ledger.reserve(List.of(line("a", 40, 100), line("a", 40, 100)));
    assertThat(r.isGranted()).isTrue();
    ledger.settle(r.reservation(), new long[] {10, 15});
    assertThat(ledger.balance("a")).isEqualTo(new Balance(25, 0));
  }

  @Test
  void aSettleSentTwiceCountsOnceAndAReleaseSpendsNothing() {
    RedisBudgetLedger ledger = ledger();
    ReserveResult r = ledger.reserve(List.of(line("a", 50, 100)));
    ledger.settle(r.reservation(), new long[] {30});
    ledger.settle(r.reservation(), new long[] {30});
    assertThat(ledger.balance("a")).isEqualTo(new Balance(30, 0));
    ReserveResult released = ledger.reserve(List.of(line("a", 50, 100)));
    ledger.release(released.reservation());
    assertThat(ledger.balance("a")).isEqualTo(new Balance(30, 0));
  }

  @Test
  void aDeadPodsReservationGivesItselfBackWhenItsLeaseExpiresAndALateSettleStillCountsOnce() {
    RedisBudgetLedger pod = ledger();
    RedisBudgetLedger other = ledger();
    ReserveResult held = pod.reserve(List.of(line("a", 80, 100)));
    assertThat(other.reserve(List.of(line("a", 30, 100))).isGranted()).as("the lease holds the cap").isFalse();
    time.advance(Duration.ofMinutes(5).plusMillis(1));
    ReserveResult after = other.reserve(List.of(line("a", 30, 100)));
    assertThat(after.isGranted()).as("the expired lease gave its 80 back").isTrue();
    assertThat(other.balance("a")).isEqualTo(new Balance(0, 30));
    // The pod was only slow: its settle arrives now, after its lease; the spend is counted, once.
    pod.settle(held.reservation(), new long[] {20});
    pod.settle(held.reservation(), new long[] {20});
    assertThat(other.balance("a")).isEqualTo(new Balance(20, 30));
  }

  @Test
  void accountsLiveByThePodsClockNotByRedissOwn() {
    // A pod (or a simulation) whose clock says 2020: its accounts still live a day past their period.
    ManualTimeSource past = new ManualTimeSource(Instant.parse("2020-01-01T00:00:00Z"));
    RedisBudgetLedger ledger = RedisBudgetLedger.builder(client).keyPrefix(prefix).timeSource(past).build();
    closing(ledger);
    ReserveResult r = ledger.reserve(List.of(new Line("old", 10, 100, past.now().plus(Duration.ofDays(1)))));
    assertThat(ledger.balance("old")).isEqualTo(new Balance(0, 10));
    ledger.settle(r.reservation(), new long[] {7});
    assertThat(ledger.balance("old")).isEqualTo(new Balance(7, 0));
  }

  @Test
  void fourPodsAndSixtyFourThreadsNeverSpendOverTheCapAndSettleExactly() throws Exception {
    List<RedisBudgetLedger> pods = List.of(ledger(), ledger(), ledger(), ledger());
    long cap = 50_000;
    ThreadedSpend spend = ThreadedSpend.run(pods, 64, 200,
        (thread, amount) -> List.of(line("global", amount, cap), line("tenant:" + (thread % 8), amount, cap)), cap);
    Balance global = pods.get(0).balance("global");
    assertThat(global.reserved()).as("every reservation settled").isZero();
    assertThat(global.spent()).as("spent is exactly what was settled").isEqualTo(spend.settled()).isLessThanOrEqualTo(cap);
    assertThat(spend.granted()).as("the cap was reached, so denials were exercised").isLessThan(64 * 200);
  }

  @Test
  void withRedisDownAReservationFailsClosedAndASettleWaitsToBeSentAgain() {
    RedisBudgetLedger ledger = ledger();
    ReserveResult r = ledger.reserve(List.of(line("a", 50, 100)));
    ReserveResult r2 = ledger.reserve(List.of(line("a", 20, 100)));
    redis.stop();
    try {
      ledger.settle(r.reservation(), new long[] {35});
      ledger.settle(r2.reservation(), new long[] {5});
      assertThat(ledger.pendingSettles()).as("a second settle is kept too, behind the first").isEqualTo(2);
      assertThatThrownBy(() -> ledger.reserve(List.of(line("a", 10, 100))))
          .isInstanceOf(LedgerUnavailableException.class).hasMessageContaining("Redis budget ledger");
    } finally {
      redis.restart();
    }
    ReserveResult next = awaitReserve(ledger, List.of(line("a", 10, 100)));
    assertThat(next.isGranted()).isTrue();
    assertThat(ledger.pendingSettles()).isZero();
    assertThat(ledger.balance("a")).as("the kept settles were sent before the reservation, once each").isEqualTo(new Balance(40, 10));
  }

  @Test
  void failingOpenAPodGrantsUpToItsAllowanceWhileRedisIsDownAndChargesTheSpendOnceWhenItIsBack() {
    RedisBudgetLedger ledger = RedisBudgetLedger.builder(client).keyPrefix(prefix).timeSource(time).failOpenUpTo(0.1).build();
    closing(ledger);
    ledger.reserve(List.of(line("a", 5, 1_000))); // connected, scripts loaded
    redis.stop();
    ReserveResult first;
    ReserveResult second;
    try {
      first = ledger.reserve(List.of(line("a", 60, 1_000)));
      second = ledger.reserve(List.of(line("a", 40, 1_000)));
      assertThat(first.isGranted()).isTrue();
      assertThat(second.isGranted()).as("100 of 1,000: the whole allowance").isTrue();
      assertThatThrownBy(() -> ledger.reserve(List.of(line("a", 1, 1_000))))
          .as("beyond the allowance the ledger fails closed").isInstanceOf(LedgerUnavailableException.class);
      ledger.settle(first.reservation(), new long[] {30});
      ledger.settle(first.reservation(), new long[] {30});
      assertThat(ledger.pendingSettles()).as("one charge waits; a second settle of the same reservation adds none").isEqualTo(1);
      assertThat(ledger.reserve(List.of(line("a", 30, 1_000))).isGranted()).as("the 30 not spent went back to the allowance").isTrue();
    } finally {
      redis.restart();
    }
    ReserveResult after = awaitReserve(ledger, List.of(line("a", 10, 1_000)));
    assertThat(ledger.pendingSettles()).isZero();
    ledger.settle(second.reservation(), new long[] {40});
    ledger.settle(after.reservation(), new long[] {10});
    // 30 and 40 spent on the allowance, charged once each; the reservation of 5 before the outage
    // was never settled (still reserved); one reservation of 30 granted on the allowance is in flight.
    assertThat(ledger.balance("a")).isEqualTo(new Balance(80, 5));
  }

  @Test
  void aChargeSentTwiceCountsOnce() {
    RedisBudgetLedger ledger = ledger();
    ledger.charge("a", "pod-1:7:0", 25, time.now().plus(Duration.ofDays(1)));
    ledger.charge("a", "pod-1:7:0", 25, time.now().plus(Duration.ofDays(1)));
    assertThat(ledger.balance("a")).isEqualTo(new Balance(25, 0));
  }

  /** The client reconnects on its own within a few seconds of the server's return. */
  static ReserveResult awaitReserve(RedisBudgetLedger ledger, List<Line> lines) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        return ledger.reserve(lines);
      } catch (LedgerUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        // Real time, not a test's clock: the client's reconnection runs on its own timer.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
  }
}
