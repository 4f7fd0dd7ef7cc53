package dev.sluice.time;

import java.time.Duration;
import java.time.Instant;

/** Real time; one daemon thread runs every scheduled task, within about a millisecond of its time ({@link CoarseTimer}). */
final class SystemTimeSource implements TimeSource {

  static final SystemTimeSource INSTANCE = new SystemTimeSource();

  private final CoarseTimer timer = new CoarseTimer("sluice-timer");

  private SystemTimeSource() {}

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    return timer.schedule(delay.toNanos(), task);
  }

  @Override
  public String toString() {
    return "TimeSource.system()";
  }
}
