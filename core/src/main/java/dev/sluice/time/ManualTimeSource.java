package dev.sluice.time;

import org.jspecify.annotations.Nullable;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Simulated time that moves only when told. Scheduled tasks run, in due order and on the thread
 * that calls {@link #advance(Duration)}, when time reaches them. Use it in tests and simulations
 * instead of sleeping.
 *
 * <pre>{@code
 * ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-01-01T00:00:00Z"));
 * var pending = sluice.callAsync("support-answer", request, subject);
 * time.advance(Duration.ofSeconds(2)); // the simulated model answers at its drawn latency
 * }</pre>
 *
 * <p>Thread-safe: any thread may schedule; {@code advance} runs tasks outside the lock, so a task
 * may schedule more tasks.
 */
public final class ManualTimeSource implements TimeSource {

  private final Instant origin;
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long nanos;
  private long sequence;

  public ManualTimeSource(Instant start) {
    this.origin = start;
  }

  /** Starts at 2026-01-01T00:00:00Z. */
  public ManualTimeSource() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Override
  public synchronized Instant now() {
    return origin.plusNanos(nanos);
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Scheduled schedule(Duration delay, Runnable task) {
    Task t = new Task(nanos + Math.max(0, delay.toNanos()), sequence++, task);
    queue.add(t);
    return () -> t.cancelled.compareAndSet(false, true);
  }

  /** Moves time forward by {@code step}, running every task that falls due on the way. */
  public void advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("time cannot go back: step " + step);
    }
    long target;
    synchronized (this) {
      target = nanos + step.toNanos();
    }
    runUntil(target);
  }

  /** Moves time to {@code instant}, which may not be in the past. */
  public void advanceTo(Instant instant) {
    advance(Duration.between(now(), instant));
  }

  /** Runs tasks due now (those scheduled with zero delay) without moving time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** How many tasks are waiting, cancelled ones included until their time comes. */
  public synchronized int pendingTasks() {
    return (int) queue.stream().filter(t -> !t.cancelled.get()).count();
  }

  /** When the next live task is due, or null if none is waiting. */
  public synchronized @Nullable Instant nextDue() {
    return queue.stream().filter(t -> !t.cancelled.get()).map(t -> origin.plusNanos(t.due)).min(Instant::compareTo).orElse(null);
  }

  private void runUntil(long target) {
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due > target) {
          nanos = Math.max(nanos, target);
          return;
        }
        queue.poll();
        nanos = Math.max(nanos, next.due);
      }
      if (next.cancelled.compareAndSet(false, true)) {
        next.task.run();
      }
    }
  }

  @Override
  public String toString() {
    return "ManualTimeSource[" + now() + "]";
  }

  private static final class Task implements Comparable<Task> {
    final long due;
    final long seq;
    final Runnable task;
    final AtomicBoolean cancelled = new AtomicBoolean();

    Task(long due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
