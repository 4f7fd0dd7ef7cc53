package dev.sluice.openai;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads how long a provider asks us to wait: {@code retry-after-ms} (OpenAI, Azure), then
 * {@code Retry-After} as seconds or as an HTTP date (RFC 9110).
 */
final class RetryAfter {

  private RetryAfter() {}

  static Optional<Duration> parse(Optional<String> retryAfterMs, Optional<String> retryAfter, Instant now) {
    if (retryAfterMs.isPresent()) {
      try {
        double ms = Double.parseDouble(retryAfterMs.get().trim());
        if (ms >= 0) {
          return Optional.of(Duration.ofNanos((long) (ms * 1e6)));
        }
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    if (retryAfter.isEmpty()) {
      return Optional.empty();
    }
    String v = retryAfter.get().trim();
    try {
      double seconds = Double.parseDouble(v);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofMillis((long) (seconds * 1000)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }
}
