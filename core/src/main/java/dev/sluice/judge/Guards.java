package dev.sluice.judge;

import dev.sluice.rollout.GuardRule;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.Verdict;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The plan's rollback triggers ({@link GuardRule}), checked at every look on the current stage's
 * calls, in each stratum on its own (a cohort against its holdback, everyone else against the
 * baseline): a rule broken for its duration rolls the rollout back, naming the rule. When each rule
 * was first seen broken is kept per route, rollout and stratum (an evaluator's own memory: a new
 * evaluator in a fleet starts the duration again).
 */
final class Guards {

  private final ConcurrentHashMap<String, Instant> brokenSince = new ConcurrentHashMap<>();

  /** A rollback verdict for the first rule broken long enough in any of the current stage's strata, or null. */
  @Nullable Verdict check(StageProgress p, java.util.List<StageWindow> strata) {
    for (StageWindow w : strata) {
      Verdict v = check(p, w);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private @Nullable Verdict check(StageProgress p, StageWindow current) {
    for (GuardRule r : p.plan().guardRules()) {
      String key = p.route() + "\n" + p.plan().salt() + "\n" + current.key + "\n" + r.text();
      Arm c = current.cand;
      Arm b = current.base;
      boolean enough = c.calls >= GuardRule.MIN_CALLS && (r.kind() == GuardRule.Kind.ABSOLUTE || b.calls >= GuardRule.MIN_CALLS);
      double cv = value(r.metric(), c);
      double bv = value(r.metric(), b);
      if (!enough || Double.isNaN(cv) || !r.broken(cv, bv)) {
        brokenSince.remove(key);
        continue;
      }
      Instant since = brokenSince.computeIfAbsent(key, k -> p.now());
      if (!p.now().isBefore(since.plus(r.sustained()))) {
        brokenSince.remove(key);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("rule", r.text());
        evidence.put("candidate", cv);
        evidence.put("baseline", bv);
        evidence.put("since", since.toString());
        return new Verdict(Verdict.Decision.ROLLBACK, String.format(Locale.ROOT,
            "rollback trigger '%s': candidate %s vs baseline %s over %,d candidate calls at %s", r.text(), show(r.metric(), cv),
            show(r.metric(), bv), c.calls, current.where()), evidence);
      }
    }
    return null;
  }

  /** The metric's value for an arm; NaN when it has none. */
  static double value(String metric, Arm a) {
    if (a.calls == 0) {
      return Double.NaN;
    }
    int rate = Arm.RATES.indexOf(metric);
    if (rate >= 0) {
      return (double) a.events(rate + 1) / a.calls;
    }
    return switch (metric) {
      case "p95_latency" -> a.latencyQuantile(0.95);
      case "cost_per_call" -> a.cost.n == 0 ? Double.NaN : a.cost.mean;
      case "tokens_per_call" -> a.tokens.n == 0 ? Double.NaN : a.tokens.mean;
      default -> Double.NaN;
    };
  }

  private static String show(String metric, double x) {
    if (Double.isNaN(x)) {
      return "-";
    }
    return switch (metric) {
      case "p95_latency" -> String.format(Locale.ROOT, "%.0f ms", 1000 * x);
      case "cost_per_call" -> String.format(Locale.ROOT, "$%.6f", x);
      case "tokens_per_call" -> String.format(Locale.ROOT, "%.1f", x);
      default -> String.format(Locale.ROOT, "%.2f%%", 100 * x);
    };
  }
}
