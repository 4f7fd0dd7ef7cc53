package dev.sluice.pricing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.math.RoundingMode;
import org.jspecify.annotations.Nullable;

/**
 * An amount of US dollars, exact to the nano-dollar, or unknown. A call to a model with no price
 * has an unknown cost, never zero; adding an unknown cost to anything gives unknown.
 *
 * <pre>{@code Cost c = Cost.ofUsd(new BigDecimal("0.0042")); c.usd(); // 0.004200000}</pre>
 */
public final class Cost implements Comparable<Cost> {

  public static final Cost ZERO = new Cost(0, true);
  public static final Cost UNKNOWN = new Cost(0, false);

  private static final BigDecimal NANOS_PER_USD = BigDecimal.valueOf(1_000_000_000L);

  private final long nanoUsd;
  private final boolean known;

  private Cost(long nanoUsd, boolean known) {
    this.nanoUsd = nanoUsd;
    this.known = known;
  }

  public static Cost ofNanoUsd(long nanoUsd) {
    if (nanoUsd < 0) {
      throw new IllegalArgumentException("cost must be zero or more, got " + nanoUsd + " nano-USD");
    }
    return nanoUsd == 0 ? ZERO : new Cost(nanoUsd, true);
  }

  /** Dollars, rounded up to the nano-dollar. */
  public static Cost ofUsd(BigDecimal usd) {
    return ofNanoUsd(usd.multiply(NANOS_PER_USD).setScale(0, RoundingMode.CEILING).longValueExact());
  }

  public boolean isKnown() {
    return known;
  }

  /** The amount in nano-dollars; throws if unknown. */
  public long nanoUsd() {
    requireKnown();
    return nanoUsd;
  }

  /** The amount in dollars; throws if unknown. */
  /** {@code usd().toPlainString()} (nine decimals), without making a {@code BigDecimal}. */
  public String usdPlain() {
    requireKnown();
    // Written into one array from the right: costs are never negative, so whole "." nine digits.
    byte[] out = new byte[30];
    int at = out.length;
    long fraction = nanoUsd % 1_000_000_000L;
    for (int i = 0; i < 9; i++) {
      out[--at] = (byte) ('0' + fraction % 10);
      fraction /= 10;
    }
    out[--at] = '.';
    long whole = nanoUsd / 1_000_000_000L;
    do {
      out[--at] = (byte) ('0' + whole % 10);
      whole /= 10;
    } while (whole > 0);
    return new String(out, at, out.length - at, StandardCharsets.ISO_8859_1);
  }

  public BigDecimal usd() {
    requireKnown();
    return BigDecimal.valueOf(nanoUsd, 9);
  }

  /** The amount in dollars as a double (for meters), or NaN if unknown. */
  public double usdOrNaN() {
    return known ? nanoUsd / 1e9 : Double.NaN;
  }

  public Cost plus(Cost other) {
    if (!known || !other.known) {
      return UNKNOWN;
    }
    return ofNanoUsd(Math.addExact(nanoUsd, other.nanoUsd));
  }

  private void requireKnown() {
    if (!known) {
      throw new IllegalStateException("the cost is unknown (no price for the model); check isKnown() first");
    }
  }

  @Override
  public int compareTo(Cost o) {
    requireKnown();
    o.requireKnown();
    return Long.compare(nanoUsd, o.nanoUsd);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Cost c && c.known == known && c.nanoUsd == nanoUsd;
  }

  @Override
  public int hashCode() {
    return known ? Long.hashCode(nanoUsd) : -1;
  }

  @Override
  public String toString() {
    return known ? "$" + usd().stripTrailingZeros().toPlainString() : "unknown";
  }
}
