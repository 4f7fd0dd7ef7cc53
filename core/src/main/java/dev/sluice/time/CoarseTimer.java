package dev.sluice.time;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that runs delayed tasks within about a millisecond of their time. Scheduling
 * is a lock-free queue offer and cancelling a flag: neither wakes the thread (a {@code
 * ScheduledThreadPoolExecutor} takes a lock and signals its thread on both, which on a small
 * machine cost more than the rest of a call). The thread drains new tasks into a heap every tick
 * while any live one is waiting, parks when none is, and purges cancelled ones when they outnumber
 * the live ones. Attempt timeouts are nearly always cancelled and never need nanosecond precision.
 *
 * <p>An idle thread is woken by the next schedule, which costs that caller a futex call and the
 * thread a context switch. Under steady traffic every task is cancelled within microseconds, so
 * the thread would go idle between calls and be woken by nearly every one; instead it keeps
 * ticking for {@link #LINGER} after it last saw a task, and callers meanwhile wake nobody.
 */
final class CoarseTimer {

  private static final Logger log = LoggerFactory.getLogger(CoarseTimer.class);
  private static final long TICK = TimeUnit.MILLISECONDS.toNanos(1);
  private static final int PURGE_AT = 1024;
  /** How long the thread keeps ticking after it last had a task, before it parks without a deadline. */
  static final long LINGER = TimeUnit.MILLISECONDS.toNanos(200);

  private final ConcurrentLinkedQueue<Task> incoming = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Task> heap = new PriorityQueue<>();
  private final LongAdder cancelled = new LongAdder();
  private final Thread worker;
  private volatile boolean idle;
  private volatile boolean stopped;
  private final Object idleSignal = new Object();

  CoarseTimer(String name) {
    worker = new Thread(this::run, name);
    worker.setDaemon(true);
    worker.start();
  }

  TimeSource.Scheduled schedule(long delayNanos, Runnable task) {
    Task t = new Task(System.nanoTime() + Math.max(0, delayNanos), task, cancelled);
    incoming.offer(t);
    if (idle) {
      LockSupport.unpark(worker);
    }
    return t;
  }

  /** Ends the thread and waits for it; tasks not yet run never run. The system timer lives as long as the process. */
  void stop() throws InterruptedException {
    stopped = true;
    LockSupport.unpark(worker);
    worker.join(TimeUnit.SECONDS.toMillis(5));
  }

  boolean isRunning() {
    return worker.isAlive();
  }

  /** Waits up to {@code millis} until the thread has no live task and parks without a deadline. */
  boolean awaitIdle(long millis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (idleSignal) {
      while (!idle) {
        long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        idleSignal.wait(left);
      }
      return true;
    }
  }

  private void run() {
    long lastTask = System.nanoTime();
    while (!stopped) {
      try {
        lastTask = tick(lastTask);
      } catch (Throwable e) {
        // Nothing a task or the JVM throws (an OutOfMemoryError, even while logging) ends the thread every route's timeouts depend on.
        failed(e);
      }
    }
  }

  private static void failed(Throwable e) {
    try {
      log.error("the timer survived an error between tasks", e);
    } catch (Throwable ignored) {
      // logging itself failed (out of memory): the thread goes on regardless
    }
  }

  /** One round: take new tasks, run the due ones, park until the next; returns when a task was last seen. */
  private long tick(long lastTaskSeen) {
    long lastTask = lastTaskSeen;
    {
      boolean any = false;
      for (Task t; (t = incoming.poll()) != null; ) {
        any = true;
        if (!t.isDone()) {
          heap.add(t);
        }
      }
      long now = System.nanoTime();
      if (any || !heap.isEmpty()) {
        lastTask = now;
      }
      while (!heap.isEmpty() && heap.peek().due - now <= 0) {
        Task t = heap.poll();
        if (t.claim()) {
          try {
            t.task.run();
          } catch (Throwable e) {
            taskFailed(e);
          }
        }
      }
      // Cancelled tasks at the head go at once, so a timer whose tasks were all cancelled (timeouts
      // after their calls answered) parks instead of ticking until their deadlines.
      while (!heap.isEmpty() && heap.peek().isDone()) {
        heap.poll();
      }
      if (heap.size() >= PURGE_AT && cancelled.sum() * 2 > heap.size()) {
        heap.removeIf(Task::isDone);
        cancelled.reset();
      }
      if (heap.isEmpty() && now - lastTask < LINGER) {
        LockSupport.parkNanos(this, TICK);
      } else if (heap.isEmpty()) {
        idle = true;
        synchronized (idleSignal) {
          idleSignal.notifyAll();
        }
        if (incoming.isEmpty() && !stopped) {
          LockSupport.park(this);
        }
        idle = false;
      } else {
        long wait = heap.peek().due - System.nanoTime();
        LockSupport.parkNanos(this, Math.max(TICK / 4, Math.min(TICK, wait)));
      }
    }
    return lastTask;
  }

  private static void taskFailed(Throwable e) {
    try {
      log.warn("a scheduled task failed; tasks should only complete futures", e);
    } catch (Throwable ignored) {
      // logging itself failed (out of memory): the next task still runs
    }
  }

  private static final class Task implements TimeSource.Scheduled, Comparable<Task> {
    private static final AtomicIntegerFieldUpdater<Task> DONE = AtomicIntegerFieldUpdater.newUpdater(Task.class, "done");
    final long due;
    final Runnable task;
    private final LongAdder cancelledCount;
    /** 0 while pending, 1 once run or cancelled; a field updater rather than an AtomicBoolean per task. */
    private volatile int done;

    Task(long due, Runnable task, LongAdder cancelledCount) {
      this.due = due;
      this.task = task;
      this.cancelledCount = cancelledCount;
    }

    boolean claim() {
      return DONE.compareAndSet(this, 0, 1);
    }

    boolean isDone() {
      return done != 0;
    }

    @Override
    public boolean cancel() {
      if (DONE.compareAndSet(this, 0, 1)) {
        cancelledCount.increment();
        return true;
      }
      return false;
    }

    @Override
    public int compareTo(Task o) {
      return Long.compare(due - o.due, 0);
    }
  }
}
