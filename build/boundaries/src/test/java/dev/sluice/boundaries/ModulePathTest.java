package dev.sluice.boundaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The library modules on the module path, as a JPMS user runs them: their descriptors resolve
 * against their real dependencies, export no {@code internal} package, and the fallback module's
 * link providers are found through the service the core module uses.
 */
class ModulePathTest {

  static final List<String> LIBRARY = List.of("dev.sluice.core", "dev.sluice.guardrails", "dev.sluice.fallback", "dev.sluice.testkit");

  /** The test's class path without the test tools (which are not what a user's module path holds). */
  static ModuleFinder modulePath() {
    Path[] entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.contains("test-classes"))
        .filter(e -> !e.matches(".*(junit|opentest4j|apiguardian|assertj|archunit|byte-buddy|spring|aopalliance|jakarta|snakeyaml-[^/]*spring).*"))
        .map(Path::of)
        .toArray(Path[]::new);
    return ModuleFinder.of(entries);
  }

  static ModuleLayer layer() {
    Configuration config = ModuleLayer.boot().configuration().resolveAndBind(modulePath(), ModuleFinder.of(), LIBRARY);
    return ModuleLayer.boot().defineModulesWithOneLoader(config, ClassLoader.getPlatformClassLoader());
  }

  @Test
  void everyLibraryModuleHasADescriptorThatResolves() {
    ModuleLayer layer = layer();
    for (String name : LIBRARY) {
      Module m = layer.findModule(name).orElseThrow();
      assertThat(m.getDescriptor().isAutomatic()).as(name + " is a named module, not an automatic one").isFalse();
    }
  }

  @Test
  void noModuleExportsOrOpensAnInternalPackage() {
    for (String name : LIBRARY) {
      ModuleDescriptor d = modulePath().find(name).map(ModuleReference::descriptor).orElseThrow();
      Set<String> exported = d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
      assertThat(exported).as(name + " exports").isNotEmpty().noneMatch(p -> p.contains(".internal"));
      assertThat(d.opens()).as(name + " opens").noneMatch(o -> o.source().contains(".internal"));
    }
  }

  @Test
  void theFallbackLinkProvidersAreFoundThroughTheCoresService() throws Exception {
    ModuleLayer layer = layer();
    Class<?> service = layer.findLoader("dev.sluice.core").loadClass("dev.sluice.config.FallbackLinkProvider");
    Set<String> kinds = new TreeSet<>();
    for (Object provider : ServiceLoader.load(layer, service)) {
      kinds.add(provider.getClass().getSimpleName());
    }
    assertThat(kinds).containsExactly("BackupVariantProvider", "CachedAnswerProvider", "FixedAnswerProvider", "RethrowProvider");
  }
}
