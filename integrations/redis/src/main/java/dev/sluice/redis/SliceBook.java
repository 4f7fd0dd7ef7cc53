package dev.sluice.redis;

import dev.sluice.budget.BudgetLedger;
import dev.sluice.budget.BudgetLedger.Line;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Leased mode's local side: per account, the slice this pod holds (taken from Redis as one
 * reservation) and the slices it retired that still have calls in flight. A call's line draws on
 * the current slice without a round trip; when the slice has no room left the pod retires it and
 * takes another; a retired slice goes back to Redis (settled at what its calls spent, the rest
 * released) when its last call settles. Thread-safe: one lock per account, held across round trips
 * only while a full slice goes back and the next is taken (the other callers on that account would
 * need the next slice too).
 */
final class SliceBook {

  /** Takes and gives back slices on Redis. */
  interface Remote {
    /** A slice of {@code line.account()}: at most {@code want}, at least {@code line.amount()}. */
    Taken take(Line line, long want);

    /** Settles a slice at what its calls spent, releasing the rest. */
    void giveBack(Slice slice, long spent);
  }

  /** A slice Redis granted ({@code slice != null}) or the account's balance when it had no room. */
  record Taken(Slice slice, BudgetLedger.Balance denied) {}

  /** One reservation on Redis that calls of this pod draw on. Guarded by its account's lock. */
  static final class Slice {
    final long id;
    final Line line;
    final long takenAtMillis;
    /** The account's spent plus reserved (this slice in full) when it was taken. */
    final long usedAtTake;
    long reserved;
    long spent;
    int inFlight;
    boolean retired;
    long lastDrawMillis;
    /** The account entry holding it; set when the book takes it. */
    Account owner;

    Slice(long id, Line line, long takenAtMillis, long usedAtTake) {
      this.id = id;
      this.line = line;
      this.takenAtMillis = takenAtMillis;
      this.usedAtTake = usedAtTake;
      this.lastDrawMillis = takenAtMillis;
    }

    long free() {
      return line.amount() - reserved - spent;
    }
  }

  static final class Account {
    Slice current;
    int draining;
    /** Forgotten by a sweep: a draw that found it must look the account up again. */
    boolean forgotten;
  }

  private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
  private final Remote remote;
  private final long idleMillis;
  private final long maxAgeMillis;

  /**
   * @param idleMillis a slice not drawn on for this long goes back, so an idle pod holds nothing
   * @param maxAgeMillis a slice older than this goes back (keep it well inside the reservation lease)
   */
  SliceBook(Remote remote, long idleMillis, long maxAgeMillis) {
    this.remote = remote;
    this.idleMillis = idleMillis;
    this.maxAgeMillis = maxAgeMillis;
  }

  /**
   * Draws {@code line.amount()} from the account's slice, taking a new slice of up to {@code want}
   * when the current one has no room. The slice drawn on, or the account's balance when Redis has no
   * room either. May throw {@link LedgerUnavailableException} when a slice is needed and Redis
   * cannot be reached.
   */
  Taken draw(Line line, long want, long nowMillis) {
    while (true) {
      Taken taken = draw(accounts.computeIfAbsent(line.account(), k -> new Account()), line, want, nowMillis);
      if (taken != null) {
        return taken;
      }
    }
  }

  /** Null if a sweep forgot the account meanwhile. */
  private Taken draw(Account a, Line line, long want, long nowMillis) {
    synchronized (a) {
      if (a.forgotten) {
        return null;
      }
      Slice s = a.current;
      if (s != null && s.free() >= line.amount()) {
        take(s, line.amount(), nowMillis);
        return new Taken(s, null);
      }
      if (s != null) {
        // Given back before the next is taken, so that its unused room counts for the next one.
        a.current = null;
        Slice idle = retire(a, s);
        if (idle != null) {
          remote.giveBack(idle, idle.spent);
        }
      }
      Taken taken = remote.take(line, want);
      if (taken.slice() != null) {
        taken.slice().owner = a;
        a.current = taken.slice();
        take(taken.slice(), line.amount(), nowMillis);
      }
      return taken;
    }
  }

  private static void take(Slice s, long amount, long nowMillis) {
    s.reserved += amount;
    s.inFlight++;
    s.lastDrawMillis = nowMillis;
  }

  /** Puts back a draw whose call did not go ahead (another line was refused). */
  void undo(Slice s, long amount) {
    settle(s, amount, 0);
  }

  /** Settles one call's draw: {@code actual} of the {@code reserved} it drew is spent. */
  void settle(Slice s, long reserved, long actual) {
    Account a = s.owner;
    Slice back = null;
    synchronized (a) {
      s.reserved -= reserved;
      s.spent += Math.max(0, actual);
      s.inFlight--;
      if (s.retired && s.inFlight == 0) {
        back = s;
        a.draining--;
      }
    }
    if (back != null) {
      remote.giveBack(back, back.spent);
    }
  }

  /** Returns a slice to be given back now, or counts it as draining until its calls settle. */
  private static Slice retire(Account a, Slice s) {
    s.retired = true;
    if (s.inFlight == 0) {
      return s;
    }
    a.draining++;
    return null;
  }

  /**
   * Retires slices idle for longer than the idle time, older than the maximum age or past their
   * period, and forgets accounts that hold nothing. {@code all}: every slice (closing).
   */
  void sweep(long nowMillis, boolean all) {
    List<Slice> back = new ArrayList<>();
    accounts.forEach((name, a) -> {
      synchronized (a) {
        Slice s = a.current;
        if (s != null && (all || nowMillis - s.lastDrawMillis >= idleMillis || nowMillis - s.takenAtMillis >= maxAgeMillis
            || nowMillis >= s.line.expiresAt().toEpochMilli())) {
          a.current = null;
          Slice now = retire(a, s);
          if (now != null) {
            back.add(now);
          }
        }
        if (a.current == null && a.draining == 0) {
          a.forgotten = true;
          accounts.remove(name, a);
        }
      }
    });
    for (Slice s : back) {
      remote.giveBack(s, s.spent);
    }
  }

  /** Slices held now (current and draining), for tests and meters. */
  int held() {
    int n = 0;
    for (Account a : accounts.values()) {
      synchronized (a) {
        n += (a.current != null ? 1 : 0) + a.draining;
      }
    }
    return n;
  }
}
