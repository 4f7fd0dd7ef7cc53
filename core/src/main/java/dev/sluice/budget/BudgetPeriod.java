package dev.sluice.budget;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** The period a cap resets on, aligned to the calendar of a time zone. */
public enum BudgetPeriod {
  MINUTE,
  HOUR,
  DAY,
  MONTH;

  private final String tag = name().toLowerCase(Locale.ROOT);

  /** The start of the period that contains {@code now}, in {@code zone}'s calendar. */
  public Instant start(Instant now, ZoneId zone) {
    ZonedDateTime t = now.atZone(zone);
    return switch (this) {
      case MINUTE -> t.truncatedTo(ChronoUnit.MINUTES).toInstant();
      case HOUR -> t.truncatedTo(ChronoUnit.HOURS).toInstant();
      case DAY -> t.toLocalDate().atStartOfDay(zone).toInstant();
      case MONTH -> t.toLocalDate().with(TemporalAdjusters.firstDayOfMonth()).atStartOfDay(zone).toInstant();
    };
  }

  /** When the period that contains {@code now} ends and the cap resets. */
  public Instant end(Instant now, ZoneId zone) {
    ZonedDateTime start = start(now, zone).atZone(zone);
    return switch (this) {
      case MINUTE -> start.plusMinutes(1).toInstant();
      case HOUR -> start.plusHours(1).toInstant();
      case DAY -> start.toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
      case MONTH -> start.toLocalDate().plusMonths(1).atStartOfDay(zone).toInstant();
    };
  }

  public String tag() {
    return tag;
  }
}
