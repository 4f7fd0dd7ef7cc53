package dev.sluice.internal.rollout;

import dev.sluice.rollout.ShadowPolicy;
import dev.sluice.internal.DaemonPool;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Where a Sluice's shadow runs start, off the caller's path: by default one daemon thread with a
 * queue of the policy's capacity (a full queue rejects, and the step counts the run as dropped),
 * which exits after 30 s idle and is shut down by {@link #close()}; or the application's executor.
 * Starting a run only makes its request; the model calls themselves are asynchronous.
 */
public final class ShadowLauncher implements AutoCloseable {

  private final Executor executor;
  private final @Nullable ExecutorService owned;

  private ShadowLauncher(Executor executor, @Nullable ExecutorService owned) {
    this.executor = executor;
    this.owned = owned;
  }

  public static ShadowLauncher of(ShadowPolicy policy, @Nullable Executor application) {
    if (application != null) {
      return new ShadowLauncher(application, null);
    }
    ThreadPoolExecutor e = DaemonPool.of(1, new LinkedBlockingQueue<>(Math.max(1, policy.queueCapacity())), n -> "sluice-shadow");
    return new ShadowLauncher(e, e);
  }

  /** Starts {@code run}; throws {@link RejectedExecutionException} when the queue is full or the launcher closed. */
  void execute(Runnable run) {
    executor.execute(run);
  }

  /** Stops the default thread and waits for it (queued runs are dropped); an application's executor is left alone. */
  @Override
  public void close() {
    if (owned != null) {
      owned.shutdownNow();
      try {
        owned.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
