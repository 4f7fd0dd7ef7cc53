package dev.sluice.boundaries;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The packages of a dependency graph that lie on a cycle (Tarjan's strongly connected components). */
final class PackageCycles {

  private PackageCycles() {}

  static Set<String> packagesInCycles(Map<String, Set<String>> graph) {
    Tarjan t = new Tarjan(graph);
    for (String v : graph.keySet()) {
      if (!t.index.containsKey(v)) {
        t.visit(v);
      }
    }
    return t.inCycles;
  }

  private static final class Tarjan {
    final Map<String, Set<String>> graph;
    final Map<String, Integer> index = new HashMap<>();
    final Map<String, Integer> low = new HashMap<>();
    final Deque<String> stack = new ArrayDeque<>();
    final Set<String> onStack = new TreeSet<>();
    final Set<String> inCycles = new TreeSet<>();
    int next;

    Tarjan(Map<String, Set<String>> graph) {
      this.graph = graph;
    }

    void visit(String v) {
      index.put(v, next);
      low.put(v, next);
      next++;
      stack.push(v);
      onStack.add(v);
      for (String w : graph.getOrDefault(v, Set.of())) {
        if (!index.containsKey(w)) {
          visit(w);
          low.put(v, Math.min(low.get(v), low.get(w)));
        } else if (onStack.contains(w)) {
          low.put(v, Math.min(low.get(v), index.get(w)));
        }
      }
      if (low.get(v).equals(index.get(v))) {
        Set<String> component = new TreeSet<>();
        String w;
        do {
          w = stack.pop();
          onStack.remove(w);
          component.add(w);
        } while (!w.equals(v));
        if (component.size() > 1) {
          inCycles.addAll(component);
        }
      }
    }
  }
}
