package dev.sluice.boundaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackageCyclesTest {

  @Test
  void findsThePackagesOnACycleAndOnlyThose() {
    Map<String, Set<String>> graph = Map.of(
        "a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a", "d"), "d", Set.of("e"), "x", Set.of("a"));
    assertThat(PackageCycles.packagesInCycles(graph)).containsExactly("a", "b", "c");
  }

  @Test
  void aTreeHasNoCycle() {
    assertThat(PackageCycles.packagesInCycles(Map.of("a", Set.of("b", "c"), "b", Set.of("c")))).isEmpty();
  }
}
