package dev.sluice.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * {@link Instant#toString()} for the audit event's timestamp, without running a
 * {@code DateTimeFormatter} on every call: the date and time of day are formatted once per second
 * and reused; only the fraction is appended per call. Same text as {@code toString()}.
 */
public final class IsoInstant {

  /** The second's text up to the fraction, e.g. {@code 2026-11-22T07:39:11}, as Latin-1 bytes. */
  private record Second(long epochSecond, byte[] text) {}

  private static volatile @Nullable Second last;

  private IsoInstant() {}

  public static String format(Instant instant) {
    long s = instant.getEpochSecond();
    Second cached = last;
    if (cached == null || cached.epochSecond != s) {
      String full = Instant.ofEpochSecond(s).toString();
      cached = new Second(s, full.substring(0, full.length() - 1).getBytes(StandardCharsets.ISO_8859_1));
      last = cached;
    }
    byte[] text = cached.text;
    int nano = instant.getNano();
    // Like Instant.toString(): no fraction, or 3, 6 or 9 digits, whichever shows the value exactly.
    int digits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
    int value = digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1_000 : nano;
    byte[] out = Arrays.copyOf(text, text.length + (digits == 0 ? 1 : digits + 2));
    int at = out.length - 1;
    out[at] = 'Z';
    if (digits > 0) {
      for (int i = 0; i < digits; i++) {
        out[--at] = (byte) ('0' + value % 10);
        value /= 10;
      }
      out[--at] = '.';
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }
}
