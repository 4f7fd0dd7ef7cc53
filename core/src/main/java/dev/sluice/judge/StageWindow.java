package dev.sluice.judge;

import dev.sluice.outcome.Outcome;
import dev.sluice.pipeline.CallRecord;
import org.jspecify.annotations.Nullable;

/** One route's observations at one stage: the candidate's arm and the baseline's. Adding locks the window. */
final class StageWindow {

  final String stage;
  final Arm cand = new Arm();
  final Arm base = new Arm();

  StageWindow(String stage) {
    this.stage = stage;
  }

  /** Adds this window's amounts to {@code out} in the exchange's form (candidate {@code c.}, baseline {@code b.}). */
  void exportTo(java.util.Map<String, Double> out) {
    cand.exportTo(out, "c.");
    base.exportTo(out, "b.");
  }

  /** A window of the amounts {@link #exportTo} wrote (summed over instances). */
  static StageWindow of(String stage, java.util.Map<String, Double> totals) {
    StageWindow w = new StageWindow(stage);
    w.cand.addFrom(totals, "c.");
    w.base.addFrom(totals, "b.");
    return w;
  }

  /** Adds a finished call; the calls its arm has seen at the stage. */
  long add(CallRecord r, @Nullable Double quality) {
    synchronized (this) {
      if (r.firstChunkNanos() > 0) {
        Arm a = r.candidate() ? cand : base;
        a.logFirstChunk.add(Math.log(r.firstChunkNanos() / 1e9), group(a, r.subjectGroup()));
      }
      return add(r.candidate(), r.outcome(), r.errorKind(), r.latencyNanos() / 1e9, r.tokens(), r.costUsd(), r.fallbackKind(),
          quality, r.subjectGroup());
    }
  }

  /**
   * Adds one call's observations. {@code subjectGroup} is {@link Judge#subjectGroup} of the
   * subject, or -1 for a call without one, which is then spread over the groups in turn (as calls
   * that are independent of each other).
   */
  synchronized long add(boolean candidate, Outcome outcome, @Nullable String errorKind, double latencySeconds, long tokens,
      double costUsd, @Nullable String fallbackKind, @Nullable Double quality, int subjectGroup) {
    Arm a = candidate ? cand : base;
    int g = group(a, subjectGroup);
    // A call its own breaker refused failed as surely as one the provider refused.
    a.addCall(g, outcome == Outcome.ERROR || outcome == Outcome.CIRCUIT_OPEN ? 1 : 0, outcome == Outcome.TIMEOUT ? 1 : 0,
        "bad_output".equals(errorKind) ? 1 : 0, outcome == Outcome.GUARDRAIL_BLOCKED ? 1 : 0,
        outcome == Outcome.FALLBACK || fallbackKind != null ? 1 : 0);
    if (latencySeconds > 0) {
      a.logLatency.add(Math.log(latencySeconds), g);
      a.addLatency(latencySeconds);
    }
    a.tokens.add(tokens, g);
    if (!Double.isNaN(costUsd)) {
      a.cost.add(costUsd, g);
    }
    if (quality != null) {
      a.quality.add(quality, g);
    }
    return a.calls;
  }

  /** Adds a quality score that arrived after its call (feedback) to the call's arm. */
  synchronized void addQuality(boolean candidate, double score, int subjectGroup) {
    Arm a = candidate ? cand : base;
    a.quality.add(score, group(a, subjectGroup));
  }

  private static int group(Arm a, int subjectGroup) {
    return subjectGroup >= 0 && subjectGroup < Arm.GROUPS ? subjectGroup : (int) (a.calls % Arm.GROUPS);
  }
}
