package dev.sluice.budget;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where budget accounts are counted. An account is one cap for one scope value in one period,
 * named by a key such as {@code tenant/day/usd/10000000000|acme|2026-11-22T00:00:00Z}.
 *
 * <p>The contract that makes caps race-free: {@link #reserve} checks and reserves every line at
 * once, all or none, atomically with respect to every other reserve, settle and release; an
 * account's {@code spent + reserved} never exceeds its limit through a reservation. A shared
 * ledger (Redis) implements the same contract with one script per call.
 *
 * <p>Every granted reservation is later either settled or released, exactly once.
 */
public interface BudgetLedger {

  /**
   * One account to reserve on.
   *
   * @param account the account's key
   * @param amount the worst-case amount this call may spend, in the cap's unit
   * @param limit the account's limit
   * @param expiresAt when the account's period ends and it may be forgotten
   */
  record Line(String account, long amount, long limit, Instant expiresAt) {
    public Line {
      Objects.requireNonNull(account, "account");
      if (amount < 0 || limit <= 0) {
        throw new IllegalArgumentException("amount must be >= 0 and limit > 0, got " + amount + " and " + limit);
      }
    }
  }

  /**
   * What an account holds.
   *
   * @param spent settled spend
   * @param reserved reserved and not yet settled
   */
  record Balance(long spent, long reserved) {
    public static final Balance EMPTY = new Balance(0, 0);

    public long used() {
      return spent + reserved;
    }
  }

  /** Reserves every line or none. */
  ReserveResult reserve(List<Line> lines);

  /** Turns a granted reservation into spend: {@code actual[i]} for line i, the rest released. */
  void settle(Reservation reservation, long[] actual);

  /** Gives a granted reservation back, spending nothing. */
  void release(Reservation reservation);

  /** What an account holds now. */
  Balance balance(String account);
}
