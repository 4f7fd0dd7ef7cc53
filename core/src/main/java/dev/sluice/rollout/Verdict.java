package dev.sluice.rollout;

import java.util.Map;
import java.util.Objects;

/**
 * A decision about the current stage, with the reason and the evidence behind it.
 *
 * @param decision promote, hold or roll back
 * @param reason one line a person can read, e.g. {@code error_rate +1.2 pp (bound +0.4 pp) > margin 0.5 pp}
 * @param evidence figures behind it (metric, estimate, lower and upper bounds, margin), JSON-friendly
 */
public record Verdict(Decision decision, String reason, Map<String, Object> evidence) {

  /** What to do with the stage. */
  public enum Decision {
    PROMOTE,
    HOLD,
    ROLLBACK
  }

  public Verdict {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(reason, "reason");
    evidence = Map.copyOf(evidence);
  }

  public static Verdict promote(String reason) {
    return new Verdict(Decision.PROMOTE, reason, Map.of());
  }

  public static Verdict hold(String reason) {
    return new Verdict(Decision.HOLD, reason, Map.of());
  }

  public static Verdict rollback(String reason) {
    return new Verdict(Decision.ROLLBACK, reason, Map.of());
  }
}
