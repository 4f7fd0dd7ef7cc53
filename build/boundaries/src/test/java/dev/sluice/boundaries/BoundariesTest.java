package dev.sluice.boundaries;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The boundaries the build enforces, over the compiled classes of every library module: a module's
 * {@code internal} packages are its own, and an API type never shows an internal type to its users.
 */
class BoundariesTest {

  static final JavaClasses SLUICE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.sluice");

  /** The module a class was compiled in, from where it was read (a module's target folder or its jar). */
  static String module(JavaClass c) {
    String uri = c.getSource().map(s -> s.getUri().toString()).orElse("");
    for (String m : List.of("core", "guardrails", "fallback", "testkit", "spring-boot-starter", "langchain4j", "openfeature", "spring-ai", "openai-java")) {
      if (uri.contains("/sluice-" + m + "-") || uri.contains("/" + m.replace("-starter", "") + "/target/")) {
        return m;
      }
    }
    throw new AssertionError("no module known for " + c.getName() + " read from " + uri);
  }

  static boolean isInternal(JavaClass c) {
    return ("." + c.getBaseComponentType().getPackageName() + ".").contains(".internal.");
  }

  @Test
  void everyLibraryModuleIsChecked() {
    Set<String> modules = new TreeSet<>();
    SLUICE.forEach(c -> modules.add(module(c)));
    assertThat(modules).containsExactly("core", "fallback", "guardrails", "langchain4j", "openai-java", "openfeature", "spring-ai", "spring-boot-starter", "testkit");
  }

  @Test
  void noModuleReachesIntoAnotherModulesInternalPackages() {
    List<String> violations = new ArrayList<>();
    for (JavaClass c : SLUICE) {
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass target = d.getTargetClass().getBaseComponentType();
        if (target.getPackageName().startsWith("dev.sluice") && isInternal(target) && !module(target).equals(module(c))) {
          violations.add(module(c) + " -> " + module(target) + ": " + d.getDescription());
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void noApiSignatureMentionsAnInternalType() {
    List<String> violations = new ArrayList<>();
    for (JavaClass c : SLUICE) {
      if (isInternal(c) || !isVisibleApi(c)) {
        continue;
      }
      for (JavaClass supertype : supertypes(c)) {
        if (isInternal(supertype)) {
          violations.add(c.getName() + " extends or implements " + supertype.getName());
        }
      }
      for (JavaMember m : c.getMembers()) {
        if (!m.getModifiers().contains(JavaModifier.PUBLIC) && !m.getModifiers().contains(JavaModifier.PROTECTED)) {
          continue;
        }
        for (JavaClass t : signatureTypes(m)) {
          if (isInternal(t)) {
            violations.add(m.getFullName() + " mentions " + t.getName());
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void noApiPackagesDependOnEachOtherInACycle() {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (JavaClass c : SLUICE) {
      if (isInternal(c)) {
        continue;
      }
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass t = d.getTargetClass().getBaseComponentType();
        if (t.getPackageName().startsWith("dev.sluice") && !isInternal(t) && !t.getPackageName().equals(c.getPackageName())) {
          graph.computeIfAbsent(c.getPackageName(), k -> new TreeSet<>()).add(t.getPackageName());
        }
      }
    }
    assertThat(graph).as("the dependency graph of the API packages").containsKey("dev.sluice").containsKey("dev.sluice.pipeline");
    assertThat(PackageCycles.packagesInCycles(graph)).as("API packages in a dependency cycle").isEmpty();
  }

  /** Public, and nested only in public types. */
  static boolean isVisibleApi(JavaClass c) {
    for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
      if (!k.getModifiers().contains(JavaModifier.PUBLIC) || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  static Set<JavaClass> supertypes(JavaClass c) {
    Set<JavaClass> out = new HashSet<>();
    c.getRawSuperclass().ifPresent(out::add);
    out.addAll(c.getRawInterfaces());
    return out;
  }

  static Set<JavaClass> signatureTypes(JavaMember m) {
    Set<JavaClass> out = new HashSet<>();
    if (m instanceof JavaField f) {
      out.addAll(f.getType().getAllInvolvedRawTypes());
    } else if (m instanceof JavaCodeUnit u) {
      out.addAll(u.getReturnType().getAllInvolvedRawTypes());
      for (JavaType p : u.getParameterTypes()) {
        out.addAll(p.getAllInvolvedRawTypes());
      }
      u.getThrowsClause().getTypes().forEach(t -> out.addAll(t.getAllInvolvedRawTypes()));
    }
    return out;
  }
}
