package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.budget.BudgetLedger.Balance;
import dev.sluice.budget.BudgetLedger.Line;
import dev.sluice.budget.ReserveResult;
import dev.sluice.rollout.RolloutState;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Fleet mode over a slow network (a proxy on 127.0.0.1 holding every chunk 20 ms each way): the
 * shared ledger stays exact under 16 threads, and a change of rollout state still reaches another
 * pod well within a second.
 */
class SlowNetworkTest {

  @Test
  void overASlowLinkTheLedgerStaysExactAndChangesStillArriveWithinASecond() throws Exception {
    try (LocalRedis redis = LocalRedis.start(); DelayingProxy slow = new DelayingProxy(redis.port, 20)) {
      RedisClient viaProxy = RedisClient.create("redis://127.0.0.1:" + slow.port());
      String prefix = "slow-" + System.nanoTime() + ":";
      try (RedisBudgetLedger a = RedisBudgetLedger.builder(viaProxy).keyPrefix(prefix).build();
          RedisBudgetLedger b = RedisBudgetLedger.builder(viaProxy).keyPrefix(prefix).build()) {
        long cap = 2_000;
        AtomicLong settled = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          RedisBudgetLedger pod = t % 2 == 0 ? a : b;
          done.add(threads.submit(() -> {
            for (int i = 0; i < 15; i++) {
              long amount = 1 + ThreadLocalRandom.current().nextInt(50);
              ReserveResult r = pod.reserve(List.of(new Line("global", amount, cap, Instant.now().plus(Duration.ofDays(1)))));
              if (r.isGranted()) {
                long actual = ThreadLocalRandom.current().nextLong(amount + 1);
                pod.settle(r.reservation(), new long[] {actual});
                settled.addAndGet(actual);
              }
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
        Balance balance = a.balance("global");
        assertThat(balance.reserved()).isZero();
        assertThat(balance.spent()).isEqualTo(settled.get()).isLessThanOrEqualTo(cap);
      }

      try (RedisRolloutStateStore writer = RedisRolloutStateStore.builder(viaProxy).keyPrefix(prefix + "rollout:").build();
          RedisRolloutStateStore follower = RedisRolloutStateStore.builder(viaProxy).keyPrefix(prefix + "rollout:").build()) {
        AtomicReference<String> told = new AtomicReference<>();
        try (AutoCloseable watch = follower.watch(told::set)) {
          long start = System.nanoTime();
          writer.saveIfVersion("support", 0, RolloutState.start(Instant.now()).rolledBack(Instant.now(), "slow network test"));
          while (told.get() == null && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
          }
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          assertThat(told.get()).isEqualTo("support");
          assertThat(took).as("notice over a link with 20 ms each way").isLessThan(Duration.ofSeconds(1));
          assertThat(follower.load("support").orElseThrow().rolledBack()).isTrue();
          System.out.printf("over 20 ms each way: notice after %d ms%n", took.toMillis());
        }
      } finally {
        viaProxy.shutdown();
      }
    }
  }
}
