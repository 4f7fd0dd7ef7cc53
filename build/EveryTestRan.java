import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fails the build when a test class of a module did not run.
 *
 * <p>Run by the parent pom in the {@code verify} phase of every module (as a single-file program,
 * {@code java build/EveryTestRan.java MODULE_DIR SKIP_TESTS MAVEN_TEST_SKIP}): every concrete
 * class under {@code src/test/java} that declares a JUnit or jqwik test must have a Surefire
 * report with at least one test in {@code target/surefire-reports}. A class that Surefire's name
 * patterns leave out, or that the engine finds nothing in, fails the build here instead of being
 * skipped in silence.
 */
public final class EveryTestRan {

  private static final Pattern TEST_ANNOTATION =
      Pattern.compile("^\\s*@(Test|Property|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate|Example)\\b",
          Pattern.MULTILINE);
  private static final Pattern ABSTRACT = Pattern.compile("\\babstract\\s+class\\b");
  private static final Pattern TESTS_ATTRIBUTE = Pattern.compile("<testsuite\\b[^>]*?\\btests=\"(\\d+)\"");

  public static void main(String[] args) throws IOException {
    Path module = Path.of(args[0]);
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("true")) {
        System.out.println("[EveryTestRan] tests skipped on request; not checked");
        return;
      }
    }
    Path sources = module.resolve("src/test/java");
    if (!Files.isDirectory(sources)) {
      return;
    }
    Path reports = module.resolve("target/surefire-reports");
    List<String> declared = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String text = Files.readString(file);
        if (!TEST_ANNOTATION.matcher(text).find() || ABSTRACT.matcher(text).find()) {
          continue;
        }
        String relative = sources.relativize(file).toString();
        String className = relative.substring(0, relative.length() - ".java".length()).replace(file.getFileSystem().getSeparator(), ".");
        declared.add(className);
        if (testsReported(reports, className) == 0) {
          missing.add(className);
        }
      }
    }
    if (!missing.isEmpty()) {
      System.err.println("[EveryTestRan] " + missing.size() + " of " + declared.size()
          + " test classes in " + module.getFileName() + " declare tests but ran none:");
      missing.forEach(c -> System.err.println("  " + c));
      System.err.println("Name them so Surefire includes them, or fix what keeps the engine from finding their tests.");
      System.exit(1);
    }
    System.out.println("[EveryTestRan] all " + declared.size() + " test classes in " + module.getFileName() + " ran");
  }

  /** Tests Surefire reported for the class and its nested classes. */
  private static int testsReported(Path reports, String className) {
    if (!Files.isDirectory(reports)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(reports)) {
      return files.filter(f -> {
            String name = f.getFileName().toString();
            return name.equals("TEST-" + className + ".xml") || name.startsWith("TEST-" + className + "$");
          })
          .mapToInt(EveryTestRan::testsIn)
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int testsIn(Path report) {
    try {
      Matcher m = TESTS_ATTRIBUTE.matcher(Files.readString(report));
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
