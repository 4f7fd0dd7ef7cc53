package dev.sluice.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * A benchmark's body in a plain loop, for profilers that attach to a process ({@code perf}, JFR
 * allocation events): prints time and bytes allocated per call for each round of 200,000 calls.
 * Not a measurement to quote (JMH is); a target to profile.
 *
 * <pre>{@code java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.ProfileLoop sluice1 40}</pre>
 */
public final class ProfileLoop {

  private ProfileLoop() {}

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "sluice1";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    if (!which.equals("sluice1") && !which.equals("resilience4j1")) {
      throw new IllegalArgumentException("benchmark must be one of [sluice1, resilience4j1], got '" + which + "'");
    }
    CallOverheadBenchmark b = new CallOverheadBenchmark();
    b.setUp();
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    boolean sluice = which.equals("sluice1");
    int n = 200_000;
    for (int round = 0; round < rounds; round++) {
      long t0 = System.nanoTime();
      long b0 = mx.getThreadAllocatedBytes(thread);
      for (int i = 0; i < n; i++) {
        if (sluice) {
          b.sluice1();
        } else {
          b.resilience4j1();
        }
      }
      long b1 = mx.getThreadAllocatedBytes(thread);
      long t1 = System.nanoTime();
      System.out.printf("round %d: %.0f ns/call, %.0f B/call%n", round, (t1 - t0) / (double) n, (b1 - b0) / (double) n);
    }
    b.tearDown();
  }
}
