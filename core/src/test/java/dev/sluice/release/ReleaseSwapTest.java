package dev.sluice.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures.EchoModel;
import dev.sluice.ReleaseDefinition;
import dev.sluice.Route;
import dev.sluice.ScriptedModel;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.model.ClientResolver;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ModelClient;
import dev.sluice.model.TokenUsage;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageGate;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A release changes a running Sluice without losing or failing a call: calls in flight finish on
 * the release they started with, the next ones see the new release set, and a call never mixes two.
 */
class ReleaseSwapTest {

  /** A model whose answers wait until {@link #answerAll} gives them. */
  static ScriptedModel held(ManualTimeSource time) {
    return new ScriptedModel(time, List.of(), ScriptedModel.hang());
  }

  /** Answers every request the model holds with {@code text}. */
  static void answerAll(ScriptedModel model, String text) {
    model.inFlight.forEach(f -> f.complete(ChatResponse.of(text, TokenUsage.of(10, 5), "test", "m")));
  }

  static final RolloutPlan PLAN = RolloutPlan.builder("support", "next").stage(Stage.canary(50)).stage(Stage.full()).build();

  static String release(String id) {
    return "route: support\nid: " + id + "\nmodel: gpt-4.1-mini\nclient: {ref: " + id + "}\nsystem_prompt: \"Release " + id
        + ".\"\nlabels: {prompt_version: support-" + id + "}\n";
  }

  @Test
  void callsInFlightDuringAPublishAndAPromotionFinishOnTheReleaseTheyStartedWith() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedModel v7 = held(time);
    EchoModel v9 = EchoModel.answering("from v9", 10, 5);
    Variant baseline = Variant.builder("v7").client(v7).model("gpt-4o-mini").build();
    try (Sluice sluice = Sluice.builder().route(Route.builder("support").baseline(baseline).releasePlan(PLAN).build())
        .timeSource(time).stageGate(StageGate.MANUAL).releaseClients(ClientResolver.of(Map.of("v9", v9))).build()) {
      List<CompletableFuture<SluiceResponse>> inFlight = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        inFlight.add(sluice.callAsync("support", ChatRequest.ofUser("question " + i), Subject.of("user-" + i)));
      }
      assertThat(v7.inFlight).hasSize(40);

      sluice.releases().publish(ReleaseDefinition.parse(release("v9")), "ana", "shorter");
      sluice.rollout("support").forceAdvance("ana", "to full");
      time.runDue();
      assertThat(sluice.route("support").baseline().id()).as("promoted while 40 calls wait on v7").isEqualTo("v9");

      answerAll(v7, "from v7");
      for (CompletableFuture<SluiceResponse> f : inFlight) {
        SluiceResponse r = f.get(5, TimeUnit.SECONDS);
        assertThat(r.variantId()).isEqualTo("v7");
        assertThat(r.text()).isEqualTo("from v7");
        assertThat(r.outcome().name()).isEqualTo("SUCCESS");
      }
      SluiceResponse after = sluice.call("support", ChatRequest.ofUser("next"), Subject.of("user-1"));
      assertThat(after.variantId()).isEqualTo("v9");
      assertThat(after.text()).isEqualTo("from v9");
    }
  }

  @Test
  void callsInFlightWhenAReleaseFileAppearsFinishOnTheReleaseTheyStartedWith(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedModel v7 = held(time);
    ScriptedModel v9 = held(time);
    Variant baseline = Variant.builder("v7").client(v7).model("gpt-4o-mini").build();
    RolloutPlan everyone = RolloutPlan.builder("support", "next").stage(Stage.canary(100)).stage(Stage.full()).build();
    try (Sluice sluice = Sluice.builder().route(Route.builder("support").baseline(baseline).releasePlan(everyone).build())
        .timeSource(time).stageGate(StageGate.MANUAL).releaseClients(ClientResolver.of(Map.of("v9", v9)))
        .releaseDirectory(dir, Duration.ofSeconds(1)).build()) {
      List<CompletableFuture<SluiceResponse>> before = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        before.add(sluice.callAsync("support", ChatRequest.ofUser("question " + i), Subject.of("user-" + i)));
      }
      java.nio.file.Files.writeString(dir.resolve("v9.yaml"), release("v9"));
      time.advance(Duration.ofSeconds(1)); // the next scan; well within the calls' attempt timeout
      List<CompletableFuture<SluiceResponse>> after = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        after.add(sluice.callAsync("support", ChatRequest.ofUser("question " + i), Subject.of("user-" + i)));
      }
      assertThat(v7.inFlight).hasSize(20);
      assertThat(v9.inFlight).as("every call after the file was read goes to v9 (its canary is 100%)").hasSize(20);
      answerAll(v7, "from v7");
      answerAll(v9, "from v9");
      for (CompletableFuture<SluiceResponse> f : before) {
        assertThat(f.get(5, TimeUnit.SECONDS).text()).isEqualTo("from v7");
      }
      for (CompletableFuture<SluiceResponse> f : after) {
        assertThat(f.get(5, TimeUnit.SECONDS).variantId()).isEqualTo("v9");
      }
    }
  }

  @Test
  void callsOnManyThreadsWhileReleasesComeAndGoNeverFailNorMixTwoReleases() throws Exception {
    Map<String, ModelClient> models = new java.util.HashMap<>();
    for (int i = 8; i < 40; i++) {
      models.put("v" + i, EchoModel.answering("from v" + i, 10, 5));
    }
    Variant baseline = Variant.builder("v7").client(EchoModel.answering("from v7", 10, 5)).model("gpt-4o-mini").build();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (Sluice sluice = Sluice.builder().route(Route.builder("support").baseline(baseline).releasePlan(PLAN).build())
        .stageGate(StageGate.MANUAL).releaseClients(ClientResolver.of(models)).meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
        .build()) {
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch started = new CountDownLatch(4);
      List<Future<List<SluiceResponse>>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(callers.submit(() -> {
          List<SluiceResponse> seen = new ArrayList<>();
          started.countDown();
          for (int i = 0; !stop.get() || i < 200; i++) {
            seen.add(sluice.call("support", ChatRequest.ofUser("q" + i), Subject.of("user-" + thread + "-" + i)));
          }
          return seen;
        }));
      }
      started.await();
      // Thirty-two releases published, half promoted, half rolled back to v7, while calls run.
      for (int i = 8; i < 40; i++) {
        sluice.releases().publish(ReleaseDefinition.parse(release("v" + i)), "ana", "release " + i);
        if (i % 2 == 0) {
          sluice.rollout("support").forceAdvance("ana", "to full");
          awaitBaseline(sluice, "v" + i);
        } else {
          sluice.releases().rollbackTo("support", "v7", "oncall", "back");
        }
      }
      stop.set(true);
      long calls = 0;
      for (Future<List<SluiceResponse>> f : results) {
        for (SluiceResponse r : f.get(60, TimeUnit.SECONDS)) {
          calls++;
          assertThat(r.outcome().name()).isEqualTo("SUCCESS");
          assertThat(r.text()).as("the answer comes from the release the call is labelled with").isEqualTo("from " + r.variantId());
        }
      }
      assertThat(calls).isGreaterThanOrEqualTo(800);
      assertThat(sluice.releases().history("support")).hasSize(16 * 2 + 16 * 3);
    } finally {
      callers.shutdownNow();
    }
  }

  /** Promotion goes through the release log off the rollout's thread: wait for it, boundedly. */
  private static void awaitBaseline(Sluice sluice, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!sluice.route("support").baseline().id().equals(id)) {
      assertThat(System.nanoTime()).as("promotion of " + id).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
