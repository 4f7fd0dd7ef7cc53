package dev.sluice.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** The thread pools Sluice owns: daemon threads, named, that exit after 30 s idle so an idle instance holds none. */
public final class DaemonPool {

  private DaemonPool() {}

  /**
   * The threads model calls wait on (a blocking SDK, the JDK client's blocking send, an SDK's stream
   * read on a thread): daemons, made as calls need them, so one per call in flight (a route's
   * bulkheads bound how many), ended after a minute idle. One pool for every client that waits.
   */
  public static final java.util.concurrent.ExecutorService WAITING = java.util.concurrent.Executors.newCachedThreadPool(new java.util.concurrent.ThreadFactory() {
    private final AtomicInteger made = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "sluice-model-" + made.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  });

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
