package dev.sluice.budget;

import dev.sluice.time.TimeSource;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default ledger: exact under any number of threads in one process. A reservation locks its
 * accounts in key order (so two reservations never deadlock), checks every line, and reserves all
 * or none. Accounts of past periods are forgotten once nothing is reserved on them.
 */
public final class InMemoryBudgetLedger implements BudgetLedger {

  private static final int PURGE_EVERY = 4096;

  private final TimeSource time;
  private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong operations = new AtomicLong();

  public InMemoryBudgetLedger(TimeSource time) {
    this.time = time;
  }

  public InMemoryBudgetLedger() {
    this(TimeSource.system());
  }

  @Override
  public ReserveResult reserve(List<Line> lines) {
    maybePurge();
    Account[] locked = lockAll(lines);
    try {
      for (int i = 0; i < lines.size(); i++) {
        Account a = locked[i];
        Line l = lines.get(i);
        if (a.spent + a.reserved + l.amount() > l.limit()) {
          return ReserveResult.denied(i, new Balance(a.spent, a.reserved));
        }
      }
      long[] after = new long[lines.size()];
      for (int i = 0; i < lines.size(); i++) {
        Account a = locked[i];
        a.reserved += lines.get(i).amount();
        after[i] = a.spent + a.reserved;
      }
      return ReserveResult.granted(new Reservation(ids.incrementAndGet(), lines), after);
    } finally {
      unlockAll(locked);
    }
  }

  @Override
  public void settle(Reservation reservation, long[] actual) {
    List<Line> lines = reservation.lines();
    if (actual.length != lines.size()) {
      throw new IllegalArgumentException("settle needs one actual amount per line: " + lines.size() + ", got " + actual.length);
    }
    Account[] locked = lockAll(lines);
    try {
      for (int i = 0; i < lines.size(); i++) {
        locked[i].reserved -= lines.get(i).amount();
        locked[i].spent += Math.max(0, actual[i]);
      }
    } finally {
      unlockAll(locked);
    }
  }

  @Override
  public void release(Reservation reservation) {
    settle(reservation, new long[reservation.lines().size()]);
  }

  @Override
  public Balance balance(String account) {
    Account a = accounts.get(account);
    if (a == null) {
      return Balance.EMPTY;
    }
    a.lock.lock();
    try {
      return new Balance(a.spent, a.reserved);
    } finally {
      a.lock.unlock();
    }
  }

  /** Reserved over every account: zero when no call is in flight. */
  public long totalReserved() {
    long sum = 0;
    for (Account a : accounts.values()) {
      a.lock.lock();
      try {
        sum += a.reserved;
      } finally {
        a.lock.unlock();
      }
    }
    return sum;
  }

  /** How many accounts are held (past periods are dropped once idle). */
  public int accounts() {
    return accounts.size();
  }

  private Account[] lockAll(List<Line> lines) {
    while (true) {
      Integer[] order = new Integer[lines.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparing(i -> lines.get(i).account()));
      Account[] byLine = new Account[lines.size()];
      Account[] inOrder = new Account[lines.size()];
      int n = 0;
      boolean stale = false;
      for (Integer i : order) {
        Line l = lines.get(i);
        Account a = accounts.computeIfAbsent(l.account(), k -> new Account(l.expiresAt()));
        byLine[i] = a;
        if (n > 0 && inOrder[n - 1] == a) {
          continue; // the same account twice: lock once
        }
        a.lock.lock();
        inOrder[n++] = a;
        if (a.dead) {
          stale = true;
          break;
        }
      }
      if (!stale) {
        return byLine;
      }
      for (int i = n - 1; i >= 0; i--) {
        inOrder[i].lock.unlock();
      }
    }
  }

  private static void unlockAll(Account[] byLine) {
    Account[] distinct = Arrays.stream(byLine).distinct().toArray(Account[]::new);
    for (Account a : distinct) {
      a.lock.unlock();
    }
  }

  private void maybePurge() {
    if (operations.incrementAndGet() % PURGE_EVERY != 0) {
      return;
    }
    Instant now = time.now();
    for (Iterator<Map.Entry<String, Account>> it = accounts.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Account> e = it.next();
      Account a = e.getValue();
      if (a.expiresAt.isBefore(now) && a.lock.tryLock()) {
        try {
          if (a.reserved == 0) {
            a.dead = true;
            accounts.remove(e.getKey(), a);
          }
        } finally {
          a.lock.unlock();
        }
      }
    }
  }

  private static final class Account {
    final ReentrantLock lock = new ReentrantLock();
    final Instant expiresAt;
    long spent;
    long reserved;
    boolean dead;

    Account(Instant expiresAt) {
      this.expiresAt = expiresAt;
    }
  }
}
