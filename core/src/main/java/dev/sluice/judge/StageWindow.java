package dev.sluice.judge;

import dev.sluice.outcome.Outcome;
import dev.sluice.pipeline.CallRecord;
import dev.sluice.rollout.Segments;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One route's observations at one stage, in one stratum and segment: the candidate's arm and the
 * baseline's. A stage's calls are split so that each window's two arms are a random split of the
 * same subjects: the cohort stratum (a cohort stage's cohort, served the candidate, and its
 * holdback) apart from everyone else, and each of the plan's {@link Segments} apart from the rest.
 * Adding locks the window.
 */
final class StageWindow {

  /** Marks the cohort stratum's key. Stage names cannot contain it. */
  static final String COHORT = "#cohort";
  /** Precedes a segment's value in a key. Stage names cannot contain it. */
  static final String SEGMENT = "@";

  /** The window's key: the stage's name, with the stratum and segment if any (see {@link #key}). */
  final String key;
  final Arm cand = new Arm();
  final Arm base = new Arm();

  StageWindow(String key) {
    this.key = key;
  }

  /**
   * The key of a stage's calls in a stratum and segment: {@code stage}, {@code stage#cohort},
   * {@code stage@acme}, {@code stage#cohort@acme}.
   */
  static String key(String stage, boolean cohort, String segment) {
    String k = cohort ? stage + COHORT : stage;
    return segment.isEmpty() ? k : k + SEGMENT + segment;
  }

  /** The key of a call assigned for {@code reason} in {@code segment}. */
  static String keyOf(String stage, String reason, String segment) {
    return key(stage, "cohort".equals(reason) || "holdback".equals(reason), segment);
  }

  /** The segments a call can be in under the plan: the empty one (everyone else) first. */
  static List<String> segments(@Nullable Segments segments) {
    List<String> out = new ArrayList<>();
    out.add("");
    if (segments != null) {
      out.addAll(segments.values());
    }
    return out;
  }

  /** Every key a stage's calls can be in under the plan. */
  static List<String> keys(String stage, @Nullable Segments segments) {
    List<String> out = new ArrayList<>();
    for (boolean cohort : new boolean[] {false, true}) {
      for (String segment : segments(segments)) {
        out.add(key(stage, cohort, segment));
      }
    }
    return out;
  }

  /** The stage's name, without stratum and segment. */
  String stage() {
    int i = key.indexOf('#');
    int j = key.indexOf('@');
    int end = i >= 0 ? i : j >= 0 ? j : key.length();
    return key.substring(0, end);
  }

  /** The window as a person reads it: {@code stage canary}, {@code stage acme, the cohort against its holdback}. */
  String where() {
    return "stage " + stage() + (key.contains(COHORT) ? ", the cohort against its holdback" : "")
        + (key.contains(SEGMENT) ? ", segment " + key.substring(key.indexOf(SEGMENT) + 1) : "");
  }

  /** Whether the window saw nothing: no call and no score. */
  boolean isEmpty() {
    return cand.calls == 0 && base.calls == 0 && cand.quality.n == 0 && base.quality.n == 0;
  }

  /** A copy, read under this window's lock. */
  synchronized StageWindow copy() {
    StageWindow c = new StageWindow(key);
    c.addAll(this);
    return c;
  }

  /** This window's observations since {@code earlier}, a copy of it taken before (or all of them, when null). */
  StageWindow since(@Nullable StageWindow earlier) {
    StageWindow d = copy();
    if (earlier != null) {
      d.cand.subtract(earlier.cand);
      d.base.subtract(earlier.base);
    }
    return d;
  }

  /** Adds another window's observations to this one's arms (the caller holds what locks it needs). */
  void addAll(StageWindow other) {
    cand.addAll(other.cand);
    base.addAll(other.base);
  }

  /** Adds this window's amounts to {@code out} in the exchange's form (candidate {@code c.}, baseline {@code b.}). */
  void exportTo(java.util.Map<String, Double> out) {
    cand.exportTo(out, "c.");
    base.exportTo(out, "b.");
  }

  /** A window of the amounts {@link #exportTo} wrote (summed over instances). */
  static StageWindow of(String key, java.util.Map<String, Double> totals) {
    StageWindow w = new StageWindow(key);
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
      int events = events(r.outcome(), r.errorKind(), r.fallbackKind(), r.refused(), ToolCallErrors.any(r.response()));
      return add(r.candidate(), events, r.latencyNanos() / 1e9, r.tokens(), r.costUsd(), quality, r.subjectGroup());
    }
  }

  /** The rate metrics a call counts towards, as {@link Arm#addCall}'s events. */
  static int events(Outcome outcome, @Nullable String errorKind, @Nullable String fallbackKind, boolean refused, boolean toolError) {
    int e = 0;
    // A call its own breaker refused failed as surely as one the provider refused.
    if (outcome == Outcome.ERROR || outcome == Outcome.CIRCUIT_OPEN) e |= ERROR;
    if (outcome == Outcome.TIMEOUT) e |= Arm.event("timeout_rate");
    if ("bad_output".equals(errorKind)) e |= Arm.event("parse_failure_rate");
    if (outcome == Outcome.GUARDRAIL_BLOCKED) e |= Arm.event("guardrail_block_rate");
    if (outcome == Outcome.FALLBACK || fallbackKind != null) e |= Arm.event("fallback_rate");
    if (refused || outcome == Outcome.REFUSED) e |= Arm.event("refusal_rate");
    if (toolError) e |= Arm.event("tool_call_error_rate");
    return e;
  }

  private static final int ERROR = Arm.event("error_rate");

  /**
   * Adds one call's observations. {@code subjectGroup} is {@link Judge#subjectGroup} of the
   * subject, or -1 for a call without one, which is then spread over the groups in turn (as calls
   * that are independent of each other).
   */
  synchronized long add(boolean candidate, int events, double latencySeconds, long tokens, double costUsd,
      @Nullable Double quality, int subjectGroup) {
    Arm a = candidate ? cand : base;
    int g = group(a, subjectGroup);
    a.addCall(g, events);
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
