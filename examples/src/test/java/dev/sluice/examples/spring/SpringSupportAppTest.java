package dev.sluice.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;

class SpringSupportAppTest {

  @Test
  void theAppBuildsSluiceFromItsYamlAndRoutesTheService() {
    try (var context = SpringSupportApp.run()) {
      Sluice sluice = context.getBean(Sluice.class);
      assertThat(sluice.rollout("support-answer").plan().candidate()).isEqualTo("v2");
      assertThat(sluice.route("support-answer").fallback()).extracting(l -> l.kind()).containsExactly("fixed");
      SupportService service = context.getBean(SupportService.class);
      assertThat(AopUtils.isAopProxy(service)).isTrue();
      sluice.rollout("support-answer").pin("v2", "test", "candidate");
      assertThat(service.answer("user-1", "acme", "reset?")).isEqualTo("Settings > Security > Reset password. [support-v8]");
      sluice.rollout("support-answer").kill(false, "test", "back to baseline");
      assertThat(service.answer("user-1", "acme", "reset?")).isEqualTo("Open Settings, then Security. [support-v7]");
    }
  }

  @Test
  void theReadmeShowsTheCodeThatRuns() throws Exception {
    Path root = Path.of(System.getProperty("test.projectRoot", ".."));
    String readme = Files.readString(root.resolve("README.md"));
    Path examples = root.resolve("examples/src/main");
    assertSnippetInReadme(readme, Files.readString(examples.resolve("java/dev/sluice/examples/annotation/SupportAssistant.java")), "annotation");
    assertSnippetInReadme(readme, Files.readString(examples.resolve("java/dev/sluice/examples/annotation/ModelSupportAssistant.java")), "implementation");
    assertSnippetInReadme(readme, Files.readString(examples.resolve("java/dev/sluice/examples/annotation/AnnotatedAssistant.java")), "proxy");
    assertSnippetInReadme(readme, Files.readString(examples.resolve("java/dev/sluice/examples/spring/SupportService.java")), "spring");
    assertSnippetInReadme(readme, Files.readString(examples.resolve("resources/application-sluice-example.yml")), "yaml");
  }

  private static void assertSnippetInReadme(String readme, String source, String name) {
    String begin = "# " + name + ":begin";
    int at = source.indexOf(begin);
    String start = at >= 0 ? begin : "// " + name + ":begin";
    String end = at >= 0 ? "# " + name + ":end" : "// " + name + ":end";
    String snippet = source.substring(source.indexOf(start) + start.length(), source.indexOf(end));
    for (String line : snippet.lines().filter(l -> !l.isBlank()).toList()) {
      assertThat(readme).as("README line from the %s example", name).contains(line.strip());
    }
  }
}
