package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanDurationTest {

  @Test
  void durationsReadAsAPersonWritesThem() {
    assertThat(HumanDuration.of(Duration.ZERO)).isEqualTo("0s");
    assertThat(HumanDuration.of(Duration.ofMillis(2500))).isEqualTo("2.5s");
    assertThat(HumanDuration.of(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(HumanDuration.of(Duration.ofSeconds(153))).isEqualTo("2m 33s");
    assertThat(HumanDuration.of(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(HumanDuration.of(Duration.ofMinutes(125))).isEqualTo("2h 5m");
    assertThat(HumanDuration.of(Duration.ofHours(76))).isEqualTo("3d 4h");
    assertThat(HumanDuration.of(Duration.ofDays(2))).isEqualTo("2d");
    assertThat(HumanDuration.of(Duration.ofSeconds(-90))).isEqualTo("-1m 30s");
  }
}
