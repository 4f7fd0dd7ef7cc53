package dev.sluice.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelParameters;
import dev.sluice.time.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class SimulatedModelClientTest {

  static final ChatRequest REQUEST = ChatRequest.builder().model("gpt-4o-mini").user("hello there").build();

  @Test
  void latencyFollowsTheConfiguredMedianAndP99() {
    ManualTimeSource time = new ManualTimeSource();
    SimulatedModelClient model = SimulatedModelClient.builder().seed(11).timeSource(time)
        .latency(Duration.ofMillis(400), Duration.ofMillis(2000)).build();

    int n = 20_000;
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    long start = time.nanoTime();
    for (int i = 0; i < n; i++) {
      model.chatAsync(REQUEST).whenComplete((r, e) -> latencies.add(time.nanoTime() - start));
    }
    assertThat(latencies).isEmpty();
    for (int s = 0; s < 600; s++) {
      time.advance(Duration.ofMillis(100));
    }

    assertThat(latencies).hasSize(n);
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    double medianMs = sorted.get(n / 2) / 1e6;
    double p99Ms = sorted.get((int) (n * 0.99)) / 1e6;
    assertThat(medianMs).isCloseTo(400, org.assertj.core.data.Percentage.withPercentage(4));
    assertThat(p99Ms).isCloseTo(2000, org.assertj.core.data.Percentage.withPercentage(10));
  }

  @Test
  void failuresFollowTheConfiguredMix() {
    SimulatedModelClient model = SimulatedModelClient.builder().seed(5)
        .failure(SimulatedFailure.SERVER_ERROR, 0.05)
        .failure(SimulatedFailure.UNAVAILABLE, 0.02)
        .failure(SimulatedFailure.RATE_LIMITED, 0.01)
        .failure(SimulatedFailure.EMPTY_OUTPUT, 0.03)
        .build();

    int n = 20_000;
    Map<SimulatedFailure, Integer> counts = new EnumMap<>(SimulatedFailure.class);
    for (int i = 0; i < n; i++) {
      SimulatedFailure f = model.behaviour(i).failure();
      if (f != null) {
        counts.merge(f, 1, Integer::sum);
      }
    }
    // within 4.5 standard deviations of n * rate
    assertWithin(counts.get(SimulatedFailure.SERVER_ERROR), n, 0.05);
    assertWithin(counts.get(SimulatedFailure.UNAVAILABLE), n, 0.02);
    assertWithin(counts.get(SimulatedFailure.RATE_LIMITED), n, 0.01);
    assertWithin(counts.get(SimulatedFailure.EMPTY_OUTPUT), n, 0.03);
    assertThat(counts).doesNotContainKey(SimulatedFailure.HANG);
  }

  static void assertWithin(int observed, int n, double rate) {
    double mean = n * rate;
    double sd = Math.sqrt(n * rate * (1 - rate));
    assertThat((double) observed).isBetween(mean - 4.5 * sd, mean + 4.5 * sd);
  }

  @Test
  void outputTokensFollowTheConfiguredDistribution() {
    SimulatedModelClient model = SimulatedModelClient.builder().seed(3).outputTokens(150, 900).build();
    int n = 20_000;
    List<Long> tokens = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tokens.add(model.chat(REQUEST).usage().outputTokens());
    }
    Collections.sort(tokens);
    assertThat((double) tokens.get(n / 2)).isCloseTo(150, org.assertj.core.data.Percentage.withPercentage(5));
    assertThat((double) tokens.get((int) (n * 0.99))).isCloseTo(900, org.assertj.core.data.Percentage.withPercentage(12));
  }

  @Test
  void theSameSeedGivesTheSameCallsAndAnotherSeedDoesNot() {
    var a = SimulatedModelClient.builder().seed(99).latency(Duration.ofMillis(100), Duration.ofMillis(900))
        .failure(SimulatedFailure.SERVER_ERROR, 0.2).build();
    var b = SimulatedModelClient.builder().seed(99).latency(Duration.ofMillis(100), Duration.ofMillis(900))
        .failure(SimulatedFailure.SERVER_ERROR, 0.2).build();
    var c = SimulatedModelClient.builder().seed(100).latency(Duration.ofMillis(100), Duration.ofMillis(900))
        .failure(SimulatedFailure.SERVER_ERROR, 0.2).build();

    List<SimulatedModelClient.Behaviour> fromA = new ArrayList<>();
    List<SimulatedModelClient.Behaviour> fromB = new ArrayList<>();
    List<SimulatedModelClient.Behaviour> fromC = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      fromA.add(a.behaviour(i));
      fromB.add(b.behaviour(i));
      fromC.add(c.behaviour(i));
    }
    assertThat(fromA).isEqualTo(fromB);
    assertThat(fromA).isNotEqualTo(fromC);
  }

  @Test
  void aRateLimitedAnswerCarriesRetryAfter() {
    var model = SimulatedModelClient.builder().failure(SimulatedFailure.RATE_LIMITED, 1.0)
        .retryAfter(Duration.ofSeconds(7)).build();

    assertThatThrownBy(() -> model.chat(REQUEST)).isInstanceOfSatisfying(ModelCallException.class, e -> {
      assertThat(e.status()).isEqualTo(429);
      assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
      assertThat(e.isRetryable()).isTrue();
    });
  }

  @Test
  void aHangingCallNeverAnswersUntilCancelled() {
    ManualTimeSource time = new ManualTimeSource();
    var model = SimulatedModelClient.builder().timeSource(time).failure(SimulatedFailure.HANG, 1.0).build();

    CompletableFuture<ChatResponse> f = model.chatAsync(REQUEST).toCompletableFuture();
    time.advance(Duration.ofHours(1));
    assertThat(f).isNotDone();
    f.cancel(true);
    assertThat(f).isCancelled();
  }

  @Test
  void malformedOutputIsJsonThatDoesNotParse() {
    var model = SimulatedModelClient.builder().json("{\"answer\":\"reset it under settings\",\"confidence\":0.9}")
        .failure(SimulatedFailure.MALFORMED_OUTPUT, 1.0).build();

    String text = model.chat(REQUEST).text();
    assertThat(text).isNotEmpty();
    assertThatThrownBy(() -> new ObjectMapper().readTree(text)).isInstanceOf(Exception.class);
  }

  @Test
  void outputLongerThanMaxTokensIsCutAndSaysLength() {
    var model = SimulatedModelClient.builder().outputTokens(500, 600).text("a long answer that goes on").build();
    ChatResponse r = model.chat(REQUEST.toBuilder().parameters(ModelParameters.builder().maxOutputTokens(10).build()).build());
    assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(r.usage().outputTokens()).isEqualTo(10);
  }

  @Test
  void templatesFillInTheRequest() {
    var model = SimulatedModelClient.builder().template("You asked: {{last_user}} ({{model}})").build();
    assertThat(model.chat(REQUEST).text()).isEqualTo("You asked: hello there (gpt-4o-mini)");
    assertThat(model.chat(REQUEST).responseModel()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void failureRatesThatAddUpToMoreThanOneAreRejected() {
    assertThatThrownBy(() -> SimulatedModelClient.builder()
        .failure(SimulatedFailure.SERVER_ERROR, 0.7).failure(SimulatedFailure.HANG, 0.5).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("failures");
  }

  @Test
  void aFailedAsyncCallCompletesExceptionally() {
    var model = SimulatedModelClient.builder().failure(SimulatedFailure.SERVER_ERROR, 1.0).build();
    assertThatThrownBy(() -> model.chatAsync(REQUEST).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(ModelCallException.class);
  }
}
