package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.budget.BudgetLedger.Line;
import dev.sluice.budget.ReserveResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * Threads spread over several ledgers (pods), all started at once, each reserving random amounts
 * from 1 to 100 and settling a random part of each grant on every line: what was granted and what
 * was settled, for the tests to hold Redis to.
 */
record ThreadedSpend(long granted, long settled) {

  /**
   * @param lines the lines a thread reserves for an amount, given the thread's number
   * @param cap no line's account may show more than this used after a grant
   */
  static ThreadedSpend run(List<RedisBudgetLedger> pods, int threads, int calls, BiFunction<Integer, Long, List<Line>> lines, long cap)
      throws Exception {
    AtomicLong settled = new AtomicLong();
    AtomicLong granted = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      RedisBudgetLedger pod = pods.get(t % pods.size());
      int thread = t;
      done.add(pool.submit(() -> {
        start.await();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < calls; i++) {
          long amount = 1 + random.nextInt(100);
          List<Line> reserved = lines.apply(thread, amount);
          ReserveResult r = pod.reserve(reserved);
          if (r.isGranted()) {
            granted.incrementAndGet();
            assertThat(r.usedAfter(0)).isLessThanOrEqualTo(cap);
            long actual = random.nextLong(amount + 1);
            long[] each = new long[reserved.size()];
            java.util.Arrays.fill(each, actual);
            pod.settle(r.reservation(), each);
            settled.addAndGet(actual);
          }
        }
        return null;
      }));
    }
    start.countDown();
    try {
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return new ThreadedSpend(granted.get(), settled.get());
  }
}
