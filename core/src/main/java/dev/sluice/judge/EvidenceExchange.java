package dev.sluice.judge;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the instances of a fleet pool the judge's evidence, so that the instance that evaluates a
 * rollout judges on every instance's calls, not on its own share. Each {@link Judge} that shares
 * evidence ({@link Judge#shareEvidence}) adds what its calls showed since it last did (batched, about
 * once a second per route, never per call) and reads the fleet's totals when it evaluates.
 *
 * <p>The totals are named amounts (counts, sums, sums of squares, histogram buckets) that only add
 * up: an implementation stores and sums them without knowing what they mean. Fleet mode's is
 * {@code RedisEvidenceExchange} (sluice-redis); {@link #inMemory()} pools the evidence of several
 * Sluice instances in one process.
 */
public interface EvidenceExchange {

  /**
   * Adds {@code amounts} to the totals of {@code route} at {@code stage}: a stage's name, or a part
   * of its calls (a stratum or segment, e.g. {@code cohort-acme#cohort}, {@code p10@acme}) the judge
   * keeps apart; to the exchange, any key. May complete later (off the
   * caller's thread); a failed stage hands the amounts back to the judge, which adds them next time.
   */
  CompletionStage<Void> add(String route, String stage, Map<String, Double> amounts);

  /** The fleet's totals of {@code route} at {@code stage}: empty if nothing was added. */
  Map<String, Double> totals(String route, String stage);

  /** Totals kept in this process, shared by the judges given the same instance. Thread-safe. */
  static EvidenceExchange inMemory() {
    // Each route and stage's totals as an immutable map, replaced on every addition.
    ConcurrentHashMap<String, Map<String, Double>> windows = new ConcurrentHashMap<>();
    return new EvidenceExchange() {
      @Override
      public CompletionStage<Void> add(String route, String stage, Map<String, Double> amounts) {
        windows.merge(route + "\n" + stage, Map.copyOf(amounts), (old, more) -> {
          Map<String, Double> sum = new HashMap<>(old);
          more.forEach((field, amount) -> sum.merge(field, amount, Double::sum));
          return Map.copyOf(sum);
        });
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public Map<String, Double> totals(String route, String stage) {
        return windows.getOrDefault(route + "\n" + stage, Map.of());
      }
    };
  }
}
