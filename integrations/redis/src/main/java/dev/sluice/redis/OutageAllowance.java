package dev.sluice.redis;

import dev.sluice.budget.BudgetLedger.Line;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fail open up to a local allowance: while Redis cannot be reached, this pod grants reservations
 * itself, per account up to a fraction of the account's limit (reserved plus spent during the
 * outage, counted here); beyond it, reservations fail closed. The spend is charged to Redis, once,
 * when it answers again, and the allowance starts afresh. Each pod's allowance is its own, so a
 * fleet of N pods may overshoot a cap by up to N times the allowance during an outage.
 * Thread-safe: one lock, taken only while Redis is down.
 */
final class OutageAllowance {

  private final double fraction;
  private final Map<String, Long> used = new HashMap<>();
  private int inFlight;

  OutageAllowance(double fraction) {
    this.fraction = fraction;
  }

  /** Grants every line or none; false when a line's account has no allowance left. */
  synchronized boolean grant(List<Line> lines) {
    Map<String, Long> after = new HashMap<>();
    for (Line l : lines) {
      long now = after.getOrDefault(l.account(), used.getOrDefault(l.account(), 0L)) + l.amount();
      if (now > (long) Math.floor(fraction * l.limit())) {
        return false;
      }
      after.put(l.account(), now);
    }
    used.putAll(after);
    inFlight++;
    return true;
  }

  /** A granted reservation settled: its accounts keep {@code actual} of what it held. */
  synchronized void settled(List<Line> lines, long[] actual) {
    for (int i = 0; i < lines.size(); i++) {
      used.merge(lines.get(i).account(), Math.max(0, actual[i]) - lines.get(i).amount(), Long::sum);
    }
    inFlight--;
  }

  /** Redis answered and every charge reached it: once no grant is in flight, the next outage has the whole allowance. */
  synchronized void reset() {
    if (inFlight == 0) {
      used.clear();
    }
  }

  synchronized boolean inUse() {
    return !used.isEmpty();
  }
}
