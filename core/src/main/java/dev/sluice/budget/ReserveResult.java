package dev.sluice.budget;

import org.jspecify.annotations.Nullable;

/**
 * The answer to a reservation: granted (with what each account holds after it) or denied (with
 * the first line that had no room and what its account held).
 */
public final class ReserveResult {

  private final @Nullable Reservation reservation;
  private final long[] usedAfter;
  private final int deniedLine;
  private final BudgetLedger.@Nullable Balance deniedBalance;

  private ReserveResult(@Nullable Reservation reservation, long[] usedAfter, int deniedLine, BudgetLedger.@Nullable Balance deniedBalance) {
    this.reservation = reservation;
    this.usedAfter = usedAfter;
    this.deniedLine = deniedLine;
    this.deniedBalance = deniedBalance;
  }

  public static ReserveResult granted(Reservation reservation, long[] usedAfter) {
    return new ReserveResult(reservation, usedAfter.clone(), -1, null);
  }

  /** For a ledger in this package that hands over an array it will not touch again: no copy. */
  static ReserveResult grantedHandingOver(Reservation reservation, long[] usedAfter) {
    return new ReserveResult(reservation, usedAfter, -1, null);
  }

  public static ReserveResult denied(int line, BudgetLedger.Balance balance) {
    return new ReserveResult(null, new long[0], line, balance);
  }

  public boolean isGranted() {
    return reservation != null;
  }

  /** The reservation; throws if denied. */
  public Reservation reservation() {
    if (reservation == null) {
      throw new IllegalStateException("the reservation was denied at line " + deniedLine);
    }
    return reservation;
  }

  /** For a granted reservation, each account's spent plus reserved after it. */
  public long usedAfter(int line) {
    return usedAfter[line];
  }

  /** For a denied one, the index of the first line without room. */
  public int deniedLine() {
    return deniedLine;
  }

  /** For a denied one, what that account held. */
  public BudgetLedger.Balance deniedBalance() {
    if (deniedBalance == null) {
      throw new IllegalStateException("the reservation was granted");
    }
    return deniedBalance;
  }
}
