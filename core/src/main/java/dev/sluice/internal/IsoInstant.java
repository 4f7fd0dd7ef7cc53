package dev.sluice.internal;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * {@link Instant#toString()} for the audit event's timestamp, without running a
 * {@code DateTimeFormatter} on every call: the date and time of day are formatted once per second
 * and reused; only the fraction is appended per call. Same text as {@code toString()}.
 */
public final class IsoInstant {

  private record Second(long epochSecond, String text) {}

  private static volatile @Nullable Second last;

  private IsoInstant() {}

  public static String format(Instant instant) {
    long s = instant.getEpochSecond();
    Second cached = last;
    if (cached == null || cached.epochSecond != s) {
      String full = Instant.ofEpochSecond(s).toString();
      cached = new Second(s, full.substring(0, full.length() - 1));
      last = cached;
    }
    int nano = instant.getNano();
    if (nano == 0) {
      return cached.text + "Z";
    }
    StringBuilder b = new StringBuilder(cached.text.length() + 11).append(cached.text).append('.');
    if (nano % 1_000_000 == 0) {
      pad(b, nano / 1_000_000, 3);
    } else if (nano % 1_000 == 0) {
      pad(b, nano / 1_000, 6);
    } else {
      pad(b, nano, 9);
    }
    return b.append('Z').toString();
  }

  private static void pad(StringBuilder b, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    b.append(digits);
  }
}
