package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.fallback.CachedAnswerLink;
import dev.sluice.fallback.FixedAnswerLink;
import dev.sluice.guardrail.Guardrails;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ModelClient;
import dev.sluice.model.TokenUsage;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.pipeline.CallContext;
import java.util.concurrent.atomic.AtomicInteger;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The answer cache with the real PII guardrails: it keys on what the model saw and stores what the
 * model wrote, so one user's restored data never reaches another; cached answers are checked by
 * the output guardrails; a killed candidate's answers are never served.
 */
class CachedAnswersTest {

  final ManualTimeSource time = new ManualTimeSource();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** Echoes what it was sent (the model only ever sees placeholders), until it is broken. */
  static final class EchoUntilBroken implements ModelClient {
    volatile boolean broken;

    @Override
    public String provider() {
      return "test";
    }

    @Override
    public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
      if (broken) {
        return CompletableFuture.failedFuture(ModelCallException.of(ModelCallException.Kind.SERVER_ERROR, "down"));
      }
      String last = request.messages().get(request.messages().size() - 1).content();
      return CompletableFuture.completedFuture(ChatResponse.of("I will write to " + last.substring(last.indexOf('<')), TokenUsage.of(10, 10),
          "test", "gpt-4o-mini"));
    }
  }

  static Variant variant(String id, ModelClient client, String prompt) {
    return Variant.builder(id).client(client).model("gpt-4o-mini").labels(VersionLabels.builder().promptVersion(prompt).build()).build();
  }

  static ChatRequest ask(String email) {
    return ChatRequest.ofUser("Please confirm my address " + email);
  }

  @Test
  void oneUsersRestoredDataNeverReachesAnotherInTheSameTenant() {
    EchoUntilBroken model = new EchoUntilBroken();
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(variant("v1", model, "p1"))
            .guardrails(Guardrails.builder().input(Pii.redacting()).output(Pii.restoring(), Pii.blockingLeaks()).build())
            .resilience(ResiliencePolicy.builder().maxAttempts(1).build())
            .fallback(CachedAnswerLink.builder().timeSource(time).meterRegistry(registry).build(), FixedAnswerLink.of("fixed")).build())
        .timeSource(time).meterRegistry(registry).build();
    Subject alice = Subject.builder().routingKey("alice").tenant("acme").build();
    Subject bob = Subject.builder().routingKey("bob").tenant("acme").build();

    SluiceResponse first = s.call("r", ask("alice@example.com"), alice);
    assertThat(first.text()).isEqualTo("I will write to alice@example.com");

    model.broken = true;
    SluiceResponse cached = s.call("r", ask("bob@example.org"), bob);
    assertThat(cached.fallback()).hasValueSatisfying(f -> assertThat(f.kind()).isEqualTo("cache"));
    assertThat(cached.text()).as("bob's own address restored from bob's vault").isEqualTo("I will write to bob@example.org")
        .doesNotContain("alice");
  }

  @Test
  void aCachedAnswerIsCheckedByTheOutputGuardrailsAndNotServedWhenTheyBlock() {
    EchoUntilBroken model = new EchoUntilBroken();
    AtomicInteger checks = new AtomicInteger();
    OutputGuardrail mallorysBlock = new OutputGuardrail() {
      @Override
      public String name() {
        return "no-mallory";
      }

      @Override
      public GuardrailResult check(ChatResponse response, CallContext call) {
        checks.incrementAndGet();
        return call.subject().routingKey().orElse("").equals("mallory") ? GuardrailResult.block("not for mallory") : GuardrailResult.pass();
      }
    };
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(variant("v1", model, "p1"))
            .guardrails(Guardrails.builder().input(Pii.redacting()).output(Pii.restoring(), mallorysBlock).build())
            .resilience(ResiliencePolicy.builder().maxAttempts(1).build())
            .fallback(CachedAnswerLink.builder().timeSource(time).meterRegistry(registry).build(), FixedAnswerLink.of("fixed")).build())
        .timeSource(time).meterRegistry(registry).build();
    s.call("r", ask("alice@example.com"), Subject.of("alice"));
    assertThat(checks).hasValue(1);
    model.broken = true;
    assertThat(s.call("r", ask("dave@example.com"), Subject.of("dave")).text()).isEqualTo("I will write to dave@example.com");
    assertThat(checks).as("the replay was checked").hasValue(2);
    assertThat(s.call("r", ask("mallory@example.com"), Subject.of("mallory")).text()).as("blocked on replay: the next link answers")
        .isEqualTo("fixed");
  }

  @Test
  void aKilledCandidatesAnswersAreNeverServedFromTheCache() {
    EchoUntilBroken baseline = new EchoUntilBroken();
    ModelClient candidate = new ModelClient() {
      @Override
      public String provider() {
        return "test";
      }

      @Override
      public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
        return CompletableFuture.completedFuture(ChatResponse.of("candidate answer", TokenUsage.of(5, 5), "test", "gpt-4o-mini"));
      }
    };
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(variant("v1", baseline, "p1")).candidate(variant("v2", candidate, "p2"))
            .resilience(ResiliencePolicy.builder().maxAttempts(1).build())
            .fallback(CachedAnswerLink.builder().timeSource(time).meterRegistry(registry).build(), FixedAnswerLink.of("fixed")).build())
        .timeSource(time).meterRegistry(registry).build();
    s.rollout("r").pin("v2", "test", "send everyone to the candidate");
    assertThat(s.call("r", ChatRequest.ofUser("hello <x>"), Subject.of("u")).text()).isEqualTo("candidate answer");
    s.rollout("r").unpin("test", "done");
    s.rollout("r").kill(false, "ops", "candidate is bad");
    baseline.broken = true;
    SluiceResponse r = s.call("r", ChatRequest.ofUser("hello <x>"), Subject.of("u"));
    assertThat(r.text()).as("the killed candidate's cached answer is not served").isEqualTo("fixed");
  }
}
