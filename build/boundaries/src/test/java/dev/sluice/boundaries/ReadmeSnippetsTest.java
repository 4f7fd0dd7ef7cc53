package dev.sluice.boundaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every complete Java file the README shows (a block that starts with its imports) compiles as a
 * user's separate project would compile it: on its own, with the Sluice jars and their
 * dependencies on the class path and none of this build's test code or test libraries.
 */
class ReadmeSnippetsTest {

  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern CLASS_NAME = Pattern.compile("^(?:public )?(?:final )?(?:class|interface|record|enum) (\\w+)", Pattern.MULTILINE);

  static String readme() throws IOException {
    Path root = Path.of(System.getProperty("test.projectRoot", "../.."));
    return Files.readString(root.resolve("README.md"));
  }

  /** The class path of the libraries only: Sluice's modules and what they depend on. */
  static String libraryClassPath() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Stream.of(cp.split(File.pathSeparator))
        .filter(e -> !e.contains("test-classes"))
        .filter(e -> !e.matches(".*(archunit|junit|assertj|opentest4j|apiguardian)[^" + Pattern.quote(File.separator) + "]*\\.jar"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  @Test
  void everyCompleteJavaFileInTheReadmeCompiles(@TempDir Path dir) throws IOException {
    List<Path> sources = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme());
    while (m.find()) {
      String code = m.group(1);
      if (!code.startsWith("import ") && !code.startsWith("package ")) {
        continue; // a fragment, shown inside surrounding prose; the examples module runs those
      }
      Matcher name = CLASS_NAME.matcher(code);
      assertThat(name.find()).as("a complete README file declares a class:\n" + code).isTrue();
      Path project = Files.createDirectories(dir.resolve("snippet" + sources.size()));
      sources.add(Files.writeString(project.resolve(name.group(1) + ".java"), code));
    }
    assertThat(sources).as("complete Java files in the README").hasSizeGreaterThanOrEqualTo(3);

    String classPath = libraryClassPath();
    assertThat(classPath).contains("sluice-core").doesNotContain("junit");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    for (Path source : sources) {
      StringWriter errors = new StringWriter();
      int status = javac.run(null, null, new java.io.PrintStream(new java.io.OutputStream() {
        @Override
        public void write(int b) {
          errors.write(b);
        }
      }), "-proc:none", "-classpath", classPath, "-d", source.getParent().resolve("classes").toString(), source.toString());
      assertThat(status).as(source.getFileName() + " compiles:\n" + errors + "\n" + Files.readString(source)).isZero();
    }
  }
}
