package dev.sluice.guardrails;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/** Overlap resolution for matches of a text, in O(k log k) for k matches (a scan of the kept ones per match was quadratic). */
final class Spans {

  private Spans() {}

  /**
   * The matches that overlap no match before them in {@code priorityOrder}, sorted by start: the
   * earlier of two overlapping matches wins.
   */
  static <T> List<T> disjoint(List<T> priorityOrder, ToIntFunction<T> start, ToIntFunction<T> end) {
    TreeMap<Integer, Integer> kept = new TreeMap<>();
    List<T> out = new ArrayList<>();
    for (T m : priorityOrder) {
      int s = start.applyAsInt(m);
      int e = end.applyAsInt(m);
      Map.Entry<Integer, Integer> before = kept.floorEntry(s);
      if (before != null && before.getValue() > s) {
        continue;
      }
      Map.Entry<Integer, Integer> after = kept.ceilingEntry(s);
      if (after != null && after.getKey() < Math.max(e, s + 1)) {
        continue;
      }
      kept.put(s, e);
      out.add(m);
    }
    out.sort(Comparator.comparingInt(start));
    return out;
  }
}
