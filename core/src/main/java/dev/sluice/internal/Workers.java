package dev.sluice.internal;

import dev.sluice.time.ManualTimeSource;
import dev.sluice.time.TimeSource;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a call's work runs when it does not run on the caller's thread: a retry after its backoff,
 * an attempt whose timeout fired (and everything that follows it: fallback links, the audit sink,
 * the caller's own continuations), a large request given to {@code callAsync}. Never the shared
 * timer thread, which must only ever complete futures. A task the executor refuses runs on the
 * thread that handed it over rather than being lost.
 *
 * <p>Sluice's own pool has one daemon thread per core (at least two) that exits after 30 s idle;
 * an application can give its own executor. With a {@link ManualTimeSource} (tests) work runs on
 * the thread that advances the clock, so tests stay deterministic.
 */
public final class Workers implements Executor, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Workers.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final Executor executor;
  private final @Nullable ThreadPoolExecutor owned;

  private Workers(Executor executor, @Nullable ThreadPoolExecutor owned) {
    this.executor = executor;
    this.owned = owned;
  }

  /** The application's executor, else a direct one for a manual clock, else Sluice's own pool. */
  public static Workers of(@Nullable Executor application, TimeSource time) {
    if (application != null) {
      return new Workers(application, null);
    }
    if (time instanceof ManualTimeSource) {
      return new Workers(Runnable::run, null);
    }
    int n = Math.max(2, Runtime.getRuntime().availableProcessors());
    int pool = POOLS.incrementAndGet();
    ThreadPoolExecutor e = DaemonPool.of(n, new LinkedBlockingQueue<>(), t -> "sluice-worker-" + pool + "-" + t);
    return new Workers(e, e);
  }

  @Override
  public void execute(Runnable task) {
    try {
      executor.execute(() -> run(task));
    } catch (RejectedExecutionException full) {
      run(task);
    }
  }

  private static void run(Runnable task) {
    try {
      task.run();
    } catch (Throwable e) {
      try {
        log.warn("a call's task failed; tasks should complete their futures instead of throwing", e);
      } catch (Throwable ignored) {
        // logging failed too (out of memory): the worker goes on
      }
    }
  }

  /** Stops Sluice's own pool once the tasks already given to it have run; an application's executor is left alone. */
  @Override
  public void close() {
    if (owned != null) {
      owned.shutdown();
    }
  }
}
