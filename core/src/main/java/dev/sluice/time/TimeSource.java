package dev.sluice.time;

import java.time.Duration;
import java.time.Instant;

/**
 * Wall time, monotonic time and delayed tasks. Everything in Sluice that reads a clock or waits
 * (deadlines, timeouts, backoff, budget periods, rollout stages, simulated latency) goes through
 * one of these, so {@link ManualTimeSource} can drive a whole rollout in simulated time.
 *
 * <p>Scheduled tasks must be short: they complete futures, they do not do the work.
 */
public interface TimeSource {

  /** The current instant. */
  Instant now();

  /** Monotonic nanoseconds for measuring durations; only differences mean anything. */
  long nanoTime();

  /** Runs {@code task} once after {@code delay}. */
  Scheduled schedule(Duration delay, Runnable task);

  /** This time source as a {@link java.time.Clock} in UTC, for libraries that take one. */
  default java.time.Clock asClock() {
    TimeSource self = this;
    return new java.time.Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        return java.time.Clock.fixed(self.now(), zone);
      }

      @Override
      public Instant instant() {
        return self.now();
      }
    };
  }

  /** The real clock and a shared daemon scheduler thread. */
  static TimeSource system() {
    return SystemTimeSource.INSTANCE;
  }

  /** A scheduled task that can be cancelled before it runs. */
  interface Scheduled {
    /** Cancels the task if it has not run; returns whether it was cancelled. */
    boolean cancel();
  }
}
