package dev.sluice.internal;

import java.time.Duration;

/** Durations as a person reads them in reasons and logs: {@code 45s}, {@code 9m 30s}, {@code 2h 5m}, {@code 3d 4h}. */
public final class HumanDuration {

  private HumanDuration() {}

  public static String of(Duration d) {
    if (d.isNegative()) {
      return "-" + of(d.negated());
    }
    long s = d.getSeconds();
    if (s < 60) {
      return d.toMillis() < 10_000 && d.toMillis() % 1000 != 0 ? String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0) : s + "s";
    }
    if (s < 3600) {
      return s % 60 == 0 ? s / 60 + "m" : s / 60 + "m " + s % 60 + "s";
    }
    if (s < 86_400) {
      long m = s / 60 % 60;
      return m == 0 ? s / 3600 + "h" : s / 3600 + "h " + m + "m";
    }
    long h = s / 3600 % 24;
    return h == 0 ? s / 86_400 + "d" : s / 86_400 + "d " + h + "h";
  }
}
