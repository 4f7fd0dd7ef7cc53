package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.budget.BudgetLedger.Balance;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Pods in JVMs of their own ({@link FleetPod}) on one Redis: three share one global dollar cap and
 * never pass it, the ledger's spend exactly the sum of what each process's calls cost; one killed
 * while holding a reservation gives it back when its lease expires.
 */
class SeparateProcessesTest {

  @Test
  void threeProcessesShareOneCapExactly() throws Exception {
    try (LocalRedis redis = LocalRedis.start()) {
      String prefix = "procs-" + System.nanoTime() + ":";
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<Process> pods = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        pods.add(new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), FleetPod.class.getName(),
            Integer.toString(redis.port), prefix).redirectErrorStream(true).start());
      }
      BigDecimal total = BigDecimal.ZERO;
      long served = 0;
      for (Process p : pods) {
        String out = read(p);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("pod finished: %s", out).isTrue();
        assertThat(p.exitValue()).as("pod output: %s", out).isZero();
        Matcher m = Pattern.compile("cost=([0-9.]+) served=(\\d+)").matcher(out);
        assertThat(m.find()).as("pod output: %s", out).isTrue();
        total = total.add(new BigDecimal(m.group(1)));
        served += Long.parseLong(m.group(2));
      }
      RedisClient client = redis.client();
      try (RedisBudgetLedger ledger = RedisBudgetLedger.builder(client).keyPrefix(prefix).build()) {
        String account = accountOfTheGlobalCap(client, prefix);
        Balance b = ledger.balance(account);
        assertThat(b.reserved()).isZero();
        assertThat(BigDecimal.valueOf(b.spent()).movePointLeft(9)).isEqualByComparingTo(total).isLessThanOrEqualTo(new BigDecimal("0.01"));
        assertThat(served).as("the processes served calls until the cap").isGreaterThan(10);
      } finally {
        client.shutdown();
      }
    }
  }

  /** A pod killed (halted) while it held a reservation: its lease expires and the reservation returns. */
  @Test
  void aKilledPodsReservationReturnsWhenItsLeaseExpires() throws Exception {
    try (LocalRedis redis = LocalRedis.start()) {
      String prefix = "killed-" + System.nanoTime() + ":";
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process pod = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), FleetPod.class.getName(),
          Integer.toString(redis.port), prefix, "die-holding").redirectErrorStream(true).start();
      String out = read(pod);
      assertThat(pod.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(pod.exitValue()).as("halted: %s", out).isEqualTo(137);
      assertThat(out).contains("reserved=true");
      RedisClient client = redis.client();
      try (RedisBudgetLedger survivor = RedisBudgetLedger.builder(client).keyPrefix(prefix).build()) {
        assertThat(survivor.balance("held").reserved()).as("the dead pod's reservation is still held").isEqualTo(500);
        // The lease is five seconds of real time (the dead pod's clock): wait for it, bounded.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (survivor.balance("held").reserved() != 0 && System.nanoTime() < deadline) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        assertThat(survivor.balance("held")).isEqualTo(new Balance(0, 0));
      } finally {
        client.shutdown();
      }
    }
  }

  /** The one account the pods wrote: its key is the prefix, the account in braces, nothing after. */
  static String accountOfTheGlobalCap(RedisClient client, String prefix) {
    try (var c = client.connect()) {
      List<String> keys = c.sync().keys(prefix + "{*}");
      assertThat(keys).hasSize(1);
      String key = keys.get(0);
      return key.substring(prefix.length() + 1, key.length() - 1);
    }
  }

  static String read(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
