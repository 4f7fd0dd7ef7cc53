package dev.sluice.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.model.ClientResolver;
import dev.sluice.config.SluiceConfiguration;
import dev.sluice.judge.Judge;
import dev.sluice.model.ChatRequest;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Feedback that arrives minutes after its call (thumbs up or down, by call id) is joined to the
 * call's stage and variant and judged as quality: a candidate users dislike is rolled back on it.
 */
class FeedbackTest {

  static final String YAML = """
      routes:
        - name: support
          variants:
            - {id: v1, model: gpt-4o-mini, client: {provider: simulated, latency_median: 200ms}}
            - {id: v2, model: gpt-4o-mini, client: {provider: simulated, latency_median: 200ms}}
          rollout:
            candidate: v2
            stages: [{kind: percent, percent: 50, min_calls: 100, min_duration: 0s}, {kind: full}]
            metrics: {error_rate: 0.5, quality: 0.1}
      evaluate_every: 0s
      """;

  final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-11-30T12:00:00Z"));

  Sluice sluice() {
    try {
      return SluiceConfiguration.fromTree(SluiceConfiguration.parse(new java.io.ByteArrayInputStream(YAML.getBytes(
              java.nio.charset.StandardCharsets.UTF_8))), ClientResolver.none(), List.of(), time, name -> null)
          .meterRegistry(new SimpleMeterRegistry()).auditSink(e -> { }).build();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  List<SluiceResponse> traffic(Sluice sluice, int calls) {
    List<CompletableFuture<SluiceResponse>> futures = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      futures.add(sluice.callAsync("support", ChatRequest.ofUser("Where is my order?"), Subject.of("u" + i)).toCompletableFuture());
      time.advance(Duration.ofMillis(100));
    }
    time.advance(Duration.ofSeconds(30));
    return futures.stream().map(CompletableFuture::join).toList();
  }

  @Test
  void lateThumbsDownOnTheCandidateRollItBackOnQuality() {
    try (Sluice sluice = sluice()) {
      List<SluiceResponse> answered = traffic(sluice, 1200);
      time.advance(Duration.ofMinutes(20)); // the users answer later
      int i = 0;
      for (SluiceResponse r : answered) {
        // candidate answers liked 2 times in 10, the baseline's 9 in 10
        boolean liked = r.variantId().equals("v2") ? i % 10 < 2 : i % 10 < 9;
        assertThat(sluice.feedback(r.callId(), liked ? 1 : 0)).isTrue();
        i++;
      }
      sluice.rollout("support").evaluate();
      assertThat(sluice.rollout("support").state().rolledBack()).isTrue();
      assertThat(sluice.rollout("support").state().reason()).startsWith("quality regression");
    }
  }

  @Test
  void feedbackOnAnUnknownOrTooOldCallIsNotCountedAndABadScoreIsRefused() {
    try (Sluice sluice = sluice()) {
      List<SluiceResponse> answered = traffic(sluice, 10);
      assertThat(sluice.feedback("no-such-call", 1)).isFalse();
      assertThatThrownBy(() -> sluice.feedback(answered.get(0).callId(), Double.NaN))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
      time.advance(Judge.FEEDBACK_WINDOW.plusMinutes(1));
      traffic(sluice, 1); // a newer call moves the calls' clock past the window
      assertThat(sluice.feedback(answered.get(0).callId(), 1)).as("older than the feedback window").isFalse();
    }
  }
}
