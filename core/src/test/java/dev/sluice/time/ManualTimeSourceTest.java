package dev.sluice.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualTimeSourceTest {

  @Test
  void tasksRunInDueOrderAtTheirDueTime() {
    ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-03-01T00:00:00Z"));
    List<String> ran = new ArrayList<>();
    time.schedule(Duration.ofSeconds(3), () -> ran.add("c@" + time.now()));
    time.schedule(Duration.ofSeconds(1), () -> ran.add("a@" + time.now()));
    time.schedule(Duration.ofSeconds(1), () -> ran.add("b@" + time.now()));

    time.advance(Duration.ofSeconds(2));
    assertThat(ran).containsExactly("a@2026-03-01T00:00:01Z", "b@2026-03-01T00:00:01Z");
    assertThat(time.now()).isEqualTo(Instant.parse("2026-03-01T00:00:02Z"));

    time.advance(Duration.ofSeconds(5));
    assertThat(ran).hasSize(3).last().isEqualTo("c@2026-03-01T00:00:03Z");
  }

  @Test
  void aCancelledTaskDoesNotRun() {
    ManualTimeSource time = new ManualTimeSource();
    List<String> ran = new ArrayList<>();
    TimeSource.Scheduled s = time.schedule(Duration.ofSeconds(1), () -> ran.add("x"));
    assertThat(s.cancel()).isTrue();
    time.advance(Duration.ofSeconds(2));
    assertThat(ran).isEmpty();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void aTaskMayScheduleAnotherThatFallsDueInTheSameAdvance() {
    ManualTimeSource time = new ManualTimeSource();
    List<Long> ran = new ArrayList<>();
    time.schedule(Duration.ofMillis(10), () -> time.schedule(Duration.ofMillis(10), () -> ran.add(time.nanoTime())));
    time.advance(Duration.ofMillis(50));
    assertThat(ran).containsExactly(20_000_000L);
  }

  @Test
  void timeCannotGoBack() {
    assertThatThrownBy(() -> new ManualTimeSource().advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
