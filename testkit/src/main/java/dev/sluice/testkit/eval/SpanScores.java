package dev.sluice.testkit.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A span detector's figures for one entity type, by overlap with the gold spans of that type: a
 * match counts as right when it overlaps a gold span mapped to its type, a gold span as found when
 * a match of its type overlaps it.
 *
 * @param right matches overlapping a gold span of their type
 * @param wrong other matches of the type
 * @param found gold spans of the type that a match of the type overlaps
 * @param gold gold spans of the type
 */
public record SpanScores(long right, long wrong, long found, long gold) {

  /** One span a detector found. */
  public record Found<T>(T type, int start, int end) {}

  /** Right matches among all matches; 1 when there were none. */
  public double precision() {
    return right + wrong == 0 ? 1 : (double) right / (right + wrong);
  }

  /** Gold spans found; NaN when there were none. */
  public double recall() {
    return gold == 0 ? Double.NaN : (double) found / gold;
  }

  /**
   * The figures of each type in {@code assessed}, in its order. {@code goldType} maps a gold span's
   * type to the detector's (null: not a type the detector has).
   */
  public static <T> Map<T, SpanScores> of(List<SpanExample> examples, Function<String, List<Found<T>>> detector,
      Function<String, T> goldType, List<T> assessed) {
    Map<T, long[]> counts = new LinkedHashMap<>();
    for (T t : assessed) {
      counts.put(t, new long[4]);
    }
    for (SpanExample ex : examples) {
      List<Found<T>> matches = detector.apply(ex.text());
      for (Found<T> m : matches) {
        long[] c = counts.get(m.type());
        if (c != null) {
          boolean hit = ex.spans().stream().anyMatch(s -> m.type().equals(goldType.apply(s.type())) && s.start() < m.end() && m.start() < s.end());
          c[hit ? 0 : 1]++;
        }
      }
      for (SpanExample.Span s : ex.spans()) {
        T type = goldType.apply(s.type());
        long[] c = type == null ? null : counts.get(type);
        if (c != null) {
          c[3]++;
          if (matches.stream().anyMatch(m -> m.type().equals(type) && s.start() < m.end() && m.start() < s.end())) {
            c[2]++;
          }
        }
      }
    }
    Map<T, SpanScores> out = new LinkedHashMap<>();
    counts.forEach((t, c) -> out.put(t, new SpanScores(c[0], c[1], c[2], c[3])));
    return out;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "precision %.3f recall %.3f (%d right, %d wrong, %d of %d gold spans found)", precision(),
        recall(), right, wrong, found, gold);
  }
}
