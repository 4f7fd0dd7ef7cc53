package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The detect-secrets fixtures: every planted secret listed here is found, and nothing is found in
 * the files without secrets. Secrets that detect-secrets marks {@code pragma: allowlist secret} are
 * skipped by design; multi-line INI values and YAML values under a non-secret key (last_line.ini,
 * middle_line.yml) are not in scope of these line rules and not listed.
 */
class SecretsAccuracyTest {

  static final Map<String, List<String>> PLANTED = Map.of(
      "config.env", List.of("gX69YO4CvBsVjzAwYxdGyDd30t5+9ez31gKATtj4"),
      "config.ini", List.of("123456789a1234", "23456789a1"),
      "config.yaml", List.of("AKIATESTTESTTESTTEST"),
      "each_secret.py", List.of("c2VjcmV0IG1lc3NhZ2Ugc28geW91J2xsIG5ldmVyIGd1ZXNzIG15IHBhc3N3b3Jk",
          "8b1118b376c313ed420e5133ba91307817ed52c2", "whywouldyouusehttpforpasswords", "AKIAIOSFODNN7EXAMPLE",
          "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
      "files/file_with_secrets.py", List.of("c3VwZXIgbG9uZyBzdHJpbmcgc2hvdWxkIGNhdXNlIGVub3VnaCBlbnRyb3B5"),
      "files/private_key", List.of("-----BEGIN OPENSSH PRIVATE KEY-----"),
      "short_files/first_line.php", List.of("notHighEnoughEntropy"));

  static final List<String> CLEAN = List.of("files/file_with_no_secrets.py", "only_comments.yaml", "files/file_with_custom_secrets.py");

  final SecretDetector detector = new SecretDetector();

  @Test
  void everyPlantedSecretIsFound() throws Exception {
    Path dir = TestData.guardrails().resolve("secrets/test_data");
    for (Map.Entry<String, List<String>> e : PLANTED.entrySet()) {
      String text = Files.readString(dir.resolve(e.getKey()));
      List<SecretMatch> found = detector.find(text);
      for (String secret : e.getValue()) {
        int at = text.indexOf(secret);
        assertThat(at).as("fixture %s holds %s", e.getKey(), secret).isNotNegative();
        assertThat(found).as("%s in %s", secret, e.getKey())
            .anyMatch(m -> m.start() < at + secret.length() && at < m.end());
      }
    }
  }

  @Test
  void nothingIsFoundInTheFilesWithoutSecrets() throws Exception {
    Path dir = TestData.guardrails().resolve("secrets/test_data");
    for (String f : CLEAN) {
      assertThat(detector.find(Files.readString(dir.resolve(f)))).as(f).isEmpty();
    }
  }

  @Test
  void allowlistedLinesAndUuidsAreSkipped() {
    assertThat(detector.find("VERY_SECRET_TOO = 'f6CGV4aMM9zedoh3OUNbSakBymo7yplB'  # pragma: allowlist secret")).isEmpty();
    assertThat(detector.find("uuid_should_be_ignored: '203db13e-70c7-462b-9a3d-bf32640cb0be'")).isEmpty();
  }

  @Test
  void providerKeysAreNamed() {
    assertThat(detector.find("export OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"))
        .extracting(SecretMatch::rule).contains("openai-api-key");
    assertThat(detector.find("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 here")).extracting(SecretMatch::rule).contains("github-token");
    assertThat(detector.find("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc")).extracting(SecretMatch::rule).contains("stripe-key");
    assertThat(detector.find("key AIzaSyD-abcdefghijklmnopqrstuvwxyz012345")).extracting(SecretMatch::rule).contains("google-api-key");
  }
}
