package dev.sluice.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.config.SluiceConfiguration;
import dev.sluice.release.Variant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * The README's Spring YAML builds the same Sluice with Spring (the starter) and without
 * ({@code SluiceConfiguration.load}); Spring environment variables override its list entries.
 */
class ConfigurationParityTest {

  /** The {@code application.yml} the README shows for the starter, as it is there. */
  static String readmeSpringYaml() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("README.md"))) {
      root = root.getParent();
    }
    String readme = Files.readString(root.resolve("README.md"));
    int start = readme.indexOf("```yaml\nsluice:\n");
    assertThat(start).as("the README's application.yml block").isPositive();
    start += "```yaml\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  ApplicationContextRunner runner(String yaml, Map<String, Object> environmentVariables) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
        .withBean(SimpleMeterRegistry.class)
        .withInitializer(context -> {
          try {
            new YamlPropertySourceLoader().load("application.yml", new ByteArrayResource(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .forEach(source -> context.getEnvironment().getPropertySources().addLast(source));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          // The environment variables rank above application.yml, as in a running application.
          context.getEnvironment().getPropertySources().addFirst(new SystemEnvironmentPropertySource(
              "test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environmentVariables));
        });
  }

  /** What a Sluice was configured with, route by route, as text that can be compared. */
  static List<String> described(Sluice sluice, List<String> routes) {
    List<String> out = new ArrayList<>();
    for (String name : routes) {
      Route r = sluice.route(name);
      out.add(r + " " + r.resilience() + " " + r.budget() + " " + r.rollout().map(p -> p + " " + p.stages()).orElse("no plan")
          + " fallback=" + r.fallback().stream().map(f -> f.getClass().getSimpleName()).toList() + " max_input=" + r.maxInputChars());
      for (Variant v : r.variants().values()) {
        out.add(v + " " + v.parameters() + " system=" + v.systemPrompt().orElse("-"));
      }
    }
    return out;
  }

  @Test
  void theReadmesSpringYamlBuildsTheSameSluiceWithoutSpring(@TempDir Path dir) throws Exception {
    String yaml = readmeSpringYaml();
    Path file = Files.writeString(dir.resolve("application.yml"), yaml);
    try (Sluice plain = SluiceConfiguration.load(file)) {
      runner(yaml, Map.of()).run(context -> {
        assertThat(context).hasNotFailed();
        Sluice spring = context.getBean(Sluice.class);
        assertThat(described(plain, List.of("support-answer"))).isEqualTo(described(spring, List.of("support-answer")))
            .anyMatch(line -> line.contains("support-v8"));
        assertThat(plain.route("support-answer").resilience().retry().maxAttempts()).isEqualTo(3);
      });
    }
  }

  @Test
  void environmentVariablesOverrideListEntriesAsSpringBindsThem() throws Exception {
    runner(readmeSpringYaml(), Map.of(
        "SLUICE_ROUTES_0_RESILIENCE_MAXATTEMPTS", "5",
        "SLUICE_ROUTES_0_VARIANTS_1_LABELS_PROMPTVERSION", "support-v9",
        "SLUICE_ROUTES_0_VARIANTS_1_MODEL", "gpt-4.1")).run(context -> {
          assertThat(context).hasNotFailed();
          Route route = context.getBean(Sluice.class).route("support-answer");
          assertThat(route.resilience().retry().maxAttempts()).isEqualTo(5);
          assertThat(route.variant("v2").labels().promptVersion()).contains("support-v9");
          assertThat(route.variant("v2").model()).isEqualTo("gpt-4.1");
          assertThat(route.variant("v1").labels().promptVersion()).as("the other entry is untouched").contains("support-v7");
        });
  }

  @Test
  void kebabCamelAndSnakeCaseAreOneFieldAndTwoSpellingsAtOnceAreAMistake() {
    String base = "routes:\n  - name: r\n    resilience: {%s: 4}\n    variants:\n      - {id: v1, model: m, client: {provider: simulated}}\n";
    for (String spelling : List.of("max_attempts", "max-attempts", "maxAttempts", "MAXATTEMPTS")) {
      assertThat(SluiceConfiguration.readString(base.formatted(spelling), dev.sluice.model.ClientResolver.none()).build()
          .route("r").resilience().retry().maxAttempts()).as(spelling).isEqualTo(4);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SluiceConfiguration.readString(
            base.formatted("max_attempts: 2, max-attempts"), dev.sluice.model.ClientResolver.none()))
        .hasMessageContaining("routes[0].resilience.max-attempts").hasMessageContaining("both are set");
  }
}
