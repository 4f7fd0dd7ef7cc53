package dev.sluice.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.core.SpringVersion;

/**
 * This module runs the starter's own tests (SluiceStarterTest, ConfigurationParityTest, from its
 * test jar) again; this test makes sure they ran on Spring Boot 4.0 and Spring Framework 7, not on
 * the 3.5 line the starter is built against.
 */
class SpringBootLineTest {

  @Test
  void theStartersTestsRunOnSpringBoot4() {
    assertThat(SpringBootVersion.getVersion()).startsWith("4.0.");
    assertThat(SpringVersion.getVersion()).startsWith("7.");
  }
}
