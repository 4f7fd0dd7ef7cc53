package dev.sluice.judge;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Change detection for regressions that begin late: the rollout's evidence is pooled from its
 * first call, so a regression that starts after thousands of healthy candidate calls is diluted by
 * them. At checkpoints (the rollout's candidate calls at 1,000, then each √2 times the last, at
 * most {@link #CHECKPOINTS}) the judge keeps a copy of its evidence; at every look it also compares
 * the calls since each of the {@link #KEPT} latest checkpoints, each with a confidence sequence of
 * its own that starts there (a CUSUM-like scan over restarts). Every checkpoint a rollout can make
 * gets an equal share of the change detector's α, kept or not, so the scan is valid however many
 * looks there are. A regression shows in the calls since the checkpoint before it began, of which
 * at most about 30% predate it.
 *
 * <p>Checkpoints are this evaluator's memory, per route and rollout (a new evaluator in a fleet
 * starts again from its first look); the copies are of the per-stage windows, not per segment.
 */
final class ChangeDetector {

  /**
   * The share of the rollback's α the change detector spends (split equally over its checkpoints
   * and the metrics): a fifth caught a regression starting at candidate call 2,000 as surely as half
   * did (94.5% and 96.5% of 200 runs), while the evidence from the start kept most of its power
   * (errors ×2 caught in 87% against 83% with half).
   */
  static final double ALPHA_SHARE = 0.2;
  /** Candidate calls at the first checkpoint. */
  static final long FIRST = 1000;
  /** The most checkpoints a rollout makes (the last at 1,000 × 2^15.5 candidate calls); each has 1/CHECKPOINTS of the α. */
  static final int CHECKPOINTS = 32;
  /** Checkpoints whose calls since are compared at each look: the latest. */
  static final int KEPT = 4;
  /**
   * Candidate calls between two scans at least: a judge that looks after every call (a small
   * canary) scans the restarts every 100 calls, not every call (fewer looks keep the bounds valid).
   */
  static final long SCAN_EVERY = 100;

  private final ConcurrentHashMap<String, Track> tracks = new ConcurrentHashMap<>();

  /** The evidence since a checkpoint: its windows by key, and the candidate calls at it. */
  record Since(long candidateCallsAt, List<StageWindow> windows) {}

  /**
   * Records a checkpoint when one is due and returns the evidence since each kept checkpoint, the
   * latest first (none when the last scan was fewer than {@link #SCAN_EVERY} candidate calls ago). {@code windows} are the rollout's per-stage windows (copies the caller owns),
   * {@code rollout} names the rollout so that a new one starts afresh.
   */
  List<Since> look(String route, String rollout, long candidateCalls, List<StageWindow> windows) {
    Track t = tracks.compute(route, (k, old) -> old == null || !old.rollout.equals(rollout) || candidateCalls < old.lastCalls
        ? new Track(rollout) : old);
    synchronized (t) {
      List<Since> out = new ArrayList<>(t.kept.size());
      boolean scan = candidateCalls - t.lastScan >= SCAN_EVERY;
      if (scan) {
        t.lastScan = candidateCalls;
      }
      for (Checkpoint c : scan ? t.kept : List.<Checkpoint>of()) {
        List<StageWindow> since = new ArrayList<>(windows.size());
        for (StageWindow w : windows) {
          since.add(w.since(c.windows.get(w.key)));
        }
        out.add(new Since(c.candidateCalls, since));
      }
      t.lastCalls = candidateCalls;
      if (t.made < CHECKPOINTS && candidateCalls >= threshold(t.made)) {
        while (t.made < CHECKPOINTS && candidateCalls >= threshold(t.made)) {
          t.made++; // a checkpoint passed between looks spends its share too
        }
        Map<String, StageWindow> copy = new LinkedHashMap<>();
        windows.forEach(w -> copy.put(w.key, w.copy()));
        t.kept.addFirst(new Checkpoint(candidateCalls, copy));
        if (t.kept.size() > KEPT) {
          t.kept.removeLast();
        }
      }
      return out;
    }
  }

  /** The candidate calls at checkpoint {@code i}: 1,000 × √2^i. */
  static long threshold(int i) {
    return Math.round(FIRST * Math.pow(2, i / 2.0));
  }

  private record Checkpoint(long candidateCalls, Map<String, StageWindow> windows) {}

  private static final class Track {
    final String rollout;
    int made;
    long lastCalls;
    long lastScan;
    final ArrayDeque<Checkpoint> kept = new ArrayDeque<>();

    Track(String rollout) {
      this.rollout = rollout;
    }
  }
}
