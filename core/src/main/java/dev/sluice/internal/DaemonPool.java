package dev.sluice.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** The thread pools Sluice owns: daemon threads, named, that exit after 30 s idle so an idle instance holds none. */
public final class DaemonPool {

  private DaemonPool() {}

  /** {@code threads} daemon threads over {@code queue}; thread {@code n} (from 1) is named {@code name.apply(n)}. */
  public static ThreadPoolExecutor of(int threads, BlockingQueue<Runnable> queue, IntFunction<String> name) {
    AtomicInteger made = new AtomicInteger();
    ThreadPoolExecutor e = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, queue, r -> {
      Thread t = new Thread(r, name.apply(made.incrementAndGet()));
      t.setDaemon(true);
      return t;
    });
    e.allowCoreThreadTimeOut(true);
    return e;
  }
}
