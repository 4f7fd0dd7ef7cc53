package dev.sluice.budget;

import dev.sluice.time.TimeSource;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The default ledger: exact under any number of threads in one process. Every operation holds one
 * monitor for the few nanoseconds it takes to check and update a handful of accounts, which is
 * all-or-none by construction and cheaper than locking accounts one by one (measured in
 * {@code LedgerBenchmark}). Accounts of past periods are dropped once nothing is reserved on them.
 */
public final class InMemoryBudgetLedger implements BudgetLedger {

  private static final int PURGE_EVERY = 4096;

  private final TimeSource time;
  private final Map<String, Account> accounts = new HashMap<>();
  private long ids;
  private long operations;

  public InMemoryBudgetLedger(TimeSource time) {
    this.time = time;
  }

  public InMemoryBudgetLedger() {
    this(TimeSource.system());
  }

  @Override
  public synchronized ReserveResult reserve(List<Line> lines) {
    if (++operations % PURGE_EVERY == 0) {
      purge();
    }
    int n = lines.size();
    Account[] byLine = new Account[n];
    for (int i = 0; i < n; i++) {
      Line l = lines.get(i);
      Account a = accounts.get(l.account());
      if (a == null) {
        a = new Account(l.expiresAt());
        accounts.put(l.account(), a);
      }
      byLine[i] = a;
    }
    // Check first with every line counted (a key may appear twice), then commit.
    for (int i = 0; i < n; i++) {
      byLine[i].pending += lines.get(i).amount();
    }
    int denied = -1;
    for (int i = 0; i < n && denied < 0; i++) {
      Account a = byLine[i];
      if (a.spent + a.reserved + a.pending > lines.get(i).limit()) {
        denied = i;
      }
    }
    for (int i = 0; i < n; i++) {
      byLine[i].pending = 0;
    }
    if (denied >= 0) {
      Account a = byLine[denied];
      return ReserveResult.denied(denied, new Balance(a.spent, a.reserved));
    }
    long[] after = new long[n];
    for (int i = 0; i < n; i++) {
      byLine[i].reserved += lines.get(i).amount();
    }
    for (int i = 0; i < n; i++) {
      after[i] = byLine[i].spent + byLine[i].reserved;
    }
    return ReserveResult.grantedHandingOver(new Reservation(++ids, lines), after);
  }

  @Override
  public synchronized void settle(Reservation reservation, long[] actual) {
    List<Line> lines = reservation.lines();
    if (actual.length != lines.size()) {
      throw new IllegalArgumentException("settle needs one actual amount per line: " + lines.size() + ", got " + actual.length);
    }
    for (int i = 0; i < actual.length; i++) {
      Line l = lines.get(i);
      Account a = accounts.get(l.account());
      if (a == null) {
        throw new IllegalStateException("account " + l.account() + " vanished while reservation " + reservation.id() + " held it");
      }
      a.reserved -= l.amount();
      a.spent += Math.max(0, actual[i]);
    }
  }

  @Override
  public void release(Reservation reservation) {
    settle(reservation, new long[reservation.lines().size()]);
  }

  @Override
  public synchronized Balance balance(String account) {
    Account a = accounts.get(account);
    return a == null ? Balance.EMPTY : new Balance(a.spent, a.reserved);
  }

  /** Reserved over every account: zero when no call is in flight. */
  public synchronized long totalReserved() {
    long sum = 0;
    for (Account a : accounts.values()) {
      sum += a.reserved;
    }
    return sum;
  }

  /** How many accounts are held (past periods are dropped once idle). */
  public synchronized int accounts() {
    return accounts.size();
  }

  private void purge() {
    Instant now = time.now();
    for (Iterator<Account> it = accounts.values().iterator(); it.hasNext(); ) {
      Account a = it.next();
      if (a.expiresAt.isBefore(now) && a.reserved == 0) {
        it.remove();
      }
    }
  }

  private static final class Account {
    final Instant expiresAt;
    long spent;
    long reserved;
    long pending;

    Account(Instant expiresAt) {
      this.expiresAt = expiresAt;
    }
  }
}
