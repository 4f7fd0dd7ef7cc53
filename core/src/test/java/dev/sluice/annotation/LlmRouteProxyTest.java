package dev.sluice.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.FallbackLink;
import dev.sluice.FallbackRequest;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.Fixtures;
import dev.sluice.Fixtures.EchoModel;
import dev.sluice.Fixtures.Events;
import dev.sluice.outcome.GuardrailBlockedException;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.Route;
import dev.sluice.ScriptedModel;
import dev.sluice.Sluice;
import dev.sluice.SluiceCall;
import dev.sluice.outcome.SluiceException;
import dev.sluice.SluiceResponse;
import dev.sluice.subject.Subject;
import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.Guardrails;
import dev.sluice.guardrail.InputGuardrail;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.TokenUsage;
import dev.sluice.pipeline.CallContext;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageGate;
import dev.sluice.time.ManualTimeSource;
import dev.sluice.time.TimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LlmRouteProxyTest {

  record Ticket(String summary, int priority) {}

  @LlmRoute("support-answer")
  interface SupportAssistant {
    String answer(@RoutingKey String userId, @SubjectAttribute("tenant") String tenant, String question);

    CompletionStage<String> answerLater(@RoutingKey String userId, String question, SluiceCall call);

    Ticket triage(@RoutingKey String userId, String message) throws IOException;

    @LlmRoute(value = "support-answer", fallbackMethod = "sorry")
    String answerOrSorry(@RoutingKey String userId, String question);

    String anonymous(String question);

    default String greeting() {
      return "hello";
    }
  }

  /** What a team writes: the body reads its release from the call and calls the model through it. */
  static class Assistant implements SupportAssistant {
    final List<String> seen = new CopyOnWriteArrayList<>();
    volatile RuntimeException fail;

    @Override
    public String answer(String userId, String tenant, String question) {
      SluiceCall call = SluiceCall.current();
      seen.add(call.variant().id() + "/" + call.labels().promptVersion().orElse("?") + "/" + call.attempt() + "/" + question);
      if (fail != null) {
        throw fail;
      }
      return call.client().chat(ChatRequest.ofUser(question)).text();
    }

    @Override
    public CompletionStage<String> answerLater(String userId, String question, SluiceCall call) {
      return call.client().chatAsync(ChatRequest.ofUser(question)).thenApply(r -> call.variant().id() + ":" + r.text());
    }

    @Override
    public Ticket triage(String userId, String message) throws IOException {
      if (message.contains("disk")) {
        throw new IOException("ticket store unavailable");
      }
      SluiceCall.current().client().chat(ChatRequest.ofUser(message));
      return new Ticket("summary of " + message, 2);
    }

    @Override
    public String answerOrSorry(String userId, String question) {
      return SluiceCall.current().client().chat(ChatRequest.ofUser(question)).text();
    }

    public String sorry(String userId, String question, Throwable why) {
      return "sorry (" + why.getClass().getSimpleName() + ")";
    }

    @Override
    public String anonymous(String question) {
      return SluiceCall.current().subject().routingKey().orElse("none");
    }

    @Override
    public String greeting() {
      return "hi from the implementation";
    }
  }

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Events events = new Events();
  final EchoModel v1 = EchoModel.answering("baseline answer", 12, 30);
  final EchoModel v2 = EchoModel.answering("candidate answer", 14, 20);

  Sluice sluice(Route.Builder route) {
    return Sluice.builder().route(route.build()).meterRegistry(registry).auditSink(events::accept).stageGate(StageGate.MANUAL).build();
  }

  Route.Builder route() {
    RolloutPlan plan = RolloutPlan.builder("support-answer", "v2").stage(Stage.percent(50)).stage(Stage.full()).build();
    return Route.builder("support-answer")
        .baseline(Fixtures.variant("v1", v1, "gpt-4o-mini", "support-v7"))
        .variant(Fixtures.variant("v2", v2, "gpt-4.1-mini", "support-v8"))
        .rollout(plan)
        .resilience(ResiliencePolicy.builder().backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0).build());
  }

  @Test
  void theBodyRunsTheAssignedReleaseThroughTheRoutesPipeline() {
    Sluice s = sluice(route());
    Assistant impl = new Assistant();
    SupportAssistant assistant = s.proxy(SupportAssistant.class, impl);

    for (int i = 0; i < 200; i++) {
      String answer = assistant.answer("user-" + i, "acme", "q" + i);
      SluiceResponse direct = s.call("support-answer", ChatRequest.ofUser("q" + i), Subject.builder().routingKey("user-" + i).tenant("acme").build());
      assertThat(answer).as("the proxy assigns the same release as a direct call for the same subject")
          .isEqualTo(direct.variantId().equals("v2") ? "candidate answer" : "baseline answer");
    }
    assertThat(impl.seen).hasSize(200).allSatisfy(line -> assertThat(line).matches("(v1/support-v7|v2/support-v8)/1/q\\d+"));
    assertThat(impl.seen.stream().filter(l -> l.startsWith("v2")).count()).isBetween(60L, 140L);
    assertThat(v2.requests).allSatisfy(r -> assertThat(r.model()).isEqualTo("gpt-4.1-mini"));
    assertThat(events.all).hasSize(400);
    assertThat(events.all.get(0).tenant()).isEqualTo("acme");
    assertThat(registry.get("gen_ai.client.token.usage").summaries()).isNotEmpty();
    assertThat(assistant.greeting()).as("default methods pass straight to the implementation").isEqualTo("hi from the implementation");
    assertThat(assistant.toString()).contains("SupportAssistant");
    assertThat(assistant).isEqualTo(assistant).isNotEqualTo(s.proxy(SupportAssistant.class, impl));
  }

  @Test
  void usageOfTheBodysModelCallsIsCountedOnTheCall() {
    Sluice s = sluice(route());
    s.rollout("support-answer").pin("v1", "test", "baseline only");
    SupportAssistant assistant = s.proxy(SupportAssistant.class, new Assistant());
    assistant.answer("u", "acme", "How?");
    var e = events.only();
    assertThat(e.variant()).isEqualTo("v1");
    assertThat(e.usage()).containsEntry("input", 12L).containsEntry("output", 30L);
    assertThat(e.outcome()).isEqualTo("success");
  }

  @Test
  void aRetryRunsTheBodyAgainAsAttemptTwo() {
    // Real time: the 1 ms backoff runs on Sluice's timer, and the caller simply waits for its answer.
    TimeSource time = TimeSource.system();
    ScriptedModel flaky = new ScriptedModel(time, List.of(ScriptedModel.fail(Duration.ZERO, 503)), ScriptedModel.ok(Duration.ZERO, "second time"));
    Sluice s = Sluice.builder().route(Route.builder("support-answer").baseline(Fixtures.variant("v1", flaky, "gpt-4o-mini", "p1"))
        .resilience(ResiliencePolicy.builder().backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0).build()).build())
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).build();
    Assistant impl = new Assistant();
    SupportAssistant assistant = s.proxy(SupportAssistant.class, impl);

    assertThat(assistant.answer("u", "acme", "q")).isEqualTo("second time");
    assertThat(impl.seen).containsExactly("v1/p1/1/q", "v1/p1/2/q");
    assertThat(events.only().attempts()).isEqualTo(2);
  }

  @Test
  void aTimedOutAttemptAbortsTheBodysModelCall() {
    // Real time: the 50 ms attempt timeout fires on Sluice's timer and aborts the hanging request.
    TimeSource time = TimeSource.system();
    ScriptedModel hanging = new ScriptedModel(time, List.of(ScriptedModel.hang()), ScriptedModel.ok(Duration.ZERO, "after the timeout"));
    Sluice s = Sluice.builder().route(Route.builder("support-answer").baseline(Fixtures.variant("v1", hanging, "gpt-4o-mini", "p1"))
        .resilience(ResiliencePolicy.builder().attemptTimeout(Duration.ofMillis(50)).backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0)
            .build()).build())
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).build();
    SupportAssistant assistant = s.proxy(SupportAssistant.class, new Assistant());

    assertThat(assistant.answer("u", "acme", "q")).isEqualTo("after the timeout");
    assertThat(events.only().attempts()).isEqualTo(2);
    assertThat(registry.get("gen_ai.client.operation.duration").tag("error.type", "timeout").timer().count()).isEqualTo(1);
    assertThat(hanging.inFlight.get(0).isCancelled()).as("the body's hanging request was aborted").isTrue();
  }

  @Test
  void asyncMethodsReturnAtOnceAndGetTheCallAsAParameter() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedModel slow = new ScriptedModel(time, List.of(), ScriptedModel.ok(Duration.ofSeconds(1), "later"));
    Sluice s = Sluice.builder().route(Route.builder("support-answer").baseline(Fixtures.variant("v1", slow, "gpt-4o-mini", "p1")).build())
        .timeSource(time).meterRegistry(registry).auditSink(events::accept).build();
    SupportAssistant assistant = s.proxy(SupportAssistant.class, new Assistant());

    CompletionStage<String> stage = assistant.answerLater("u", "q", null);
    assertThat(stage.toCompletableFuture()).isNotDone();
    time.advance(Duration.ofSeconds(1));
    assertThat(stage.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("v1:later");
    assertThat(events.only().latencyMs()).isEqualTo(1000.0);
  }

  @Test
  void theFallbackMethodGetsTheFailure() {
    EchoModel refusing = new EchoModel(r -> {
      throw new ModelCallException(ModelCallException.Kind.CLIENT_ERROR, 400, "bad request", null, null);
    });
    Sluice s = sluice(Route.builder("support-answer").baseline(Fixtures.variant("v1", refusing, "gpt-4o-mini", "p1")));
    SupportAssistant assistant = s.proxy(SupportAssistant.class, new Assistant());

    assertThat(assistant.answerOrSorry("u", "q")).isEqualTo("sorry (ModelCallException)");
    assertThat(refusing.requests).as("a 400 is not retried").hasSize(1);
    assertThatThrownBy(() -> assistant.answer("u", "acme", "q")).as("without a fallback method the failure is thrown")
        .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void theBodysOwnExceptionsReachTheCallerUnwrapped() {
    Sluice s = sluice(route());
    Assistant impl = new Assistant();
    SupportAssistant assistant = s.proxy(SupportAssistant.class, impl);

    assertThatThrownBy(() -> assistant.triage("u", "disk full")).isInstanceOf(IOException.class).hasMessage("ticket store unavailable");
    impl.fail = new IllegalStateException("no knowledge base");
    assertThatThrownBy(() -> assistant.answer("u", "acme", "q")).isInstanceOf(IllegalStateException.class).hasMessage("no knowledge base");
    assertThat(impl.seen).as("a failure of the body is not retried").hasSize(1);
    assertThat(events.all).extracting(e -> e.outcome()).containsOnly("error");
  }

  @Test
  void objectsTravelAsJsonAndComeBackAsThemselvesOrFromAFallbackLink() throws Exception {
    EchoModel down = new EchoModel(r -> {
      throw new ModelCallException(ModelCallException.Kind.SERVER_ERROR, 503, "down", null, null);
    });
    FallbackLink fixed = new FallbackLink() {
      public String kind() {
        return "fixed";
      }

      public String name() {
        return "fixed";
      }

      public Set<FallbackTrigger> triggers() {
        return Set.of(FallbackTrigger.MODEL_ERROR);
      }

      public CompletionStage<ChatResponse> answer(FallbackRequest request) {
        return CompletableFuture.completedFuture(ChatResponse.of("{\"summary\":\"a person will call\",\"priority\":1}", TokenUsage.ZERO, "fixed", "none"));
      }
    };
    Sluice ok = sluice(route());
    Ticket t = ok.proxy(SupportAssistant.class, new Assistant()).triage("u", "printer jam");
    assertThat(t).isEqualTo(new Ticket("summary of printer jam", 2));

    Sluice failing = sluice(Route.builder("support-answer").baseline(Fixtures.variant("v1", down, "gpt-4o-mini", "p1"))
        .resilience(ResiliencePolicy.builder().maxAttempts(1).build()).fallback(fixed));
    Ticket fromFallback = failing.proxy(SupportAssistant.class, new Assistant()).triage("u", "printer jam");
    assertThat(fromFallback).isEqualTo(new Ticket("a person will call", 1));
  }

  @Test
  void inputGuardrailsSeeTheTextArgumentsAndTheBodyGetsTheRedactedText() {
    InputGuardrail redact = new InputGuardrail() {
      public String name() {
        return "redact_email";
      }

      public GuardrailResult check(String text, CallContext call) {
        return text.contains("@") ? GuardrailResult.rewrite(text.replaceAll("\\S+@\\S+", "<EMAIL>"), "email") : GuardrailResult.pass();
      }
    };
    InputGuardrail block = new InputGuardrail() {
      public String name() {
        return "no_passwords";
      }

      public GuardrailResult check(String text, CallContext call) {
        return text.contains("password") ? GuardrailResult.block("asks for a password") : GuardrailResult.pass();
      }
    };
    Sluice s = sluice(route().guardrails(Guardrails.builder().input(redact, block).build()));
    s.rollout("support-answer").pin("v1", "test", "baseline");
    Assistant impl = new Assistant();
    SupportAssistant assistant = s.proxy(SupportAssistant.class, impl);

    assistant.answer("u", "acme", "mail me at ann@example.com");
    assertThat(impl.seen).containsExactly("v1/support-v7/1/mail me at <EMAIL>");
    assertThat(v1.requests.get(0).lastUserText()).isEqualTo("mail me at <EMAIL>");

    assertThatThrownBy(() -> assistant.answer("u", "acme", "what is the admin password")).isInstanceOf(GuardrailBlockedException.class);
    assertThat(impl.seen).as("a blocked call never reaches the body").hasSize(1);
  }

  @Test
  void theSubjectComesFromTheBoundContextWhenNoParameterGivesIt() {
    Sluice s = sluice(route());
    SupportAssistant assistant = s.proxy(SupportAssistant.class, new Assistant());
    assertThat(assistant.anonymous("q")).isEqualTo("none");
    try (var bound = Subject.bind(Subject.of("user-9"))) {
      assertThat(assistant.anonymous("q")).isEqualTo("user-9");
    }
    assertThat(Subject.bound()).isEmpty();
    assertThatThrownBy(SluiceCall::current).isInstanceOf(IllegalStateException.class).hasMessageContaining("@LlmRoute");
  }

  @Test
  void aFrameworkCanRouteAClassThroughRoutedMethods() throws Throwable {
    Sluice s = sluice(route());
    s.rollout("support-answer").pin("v2", "test", "candidate");
    Assistant impl = new Assistant();
    RoutedMethods routed = s.routedMethods(Assistant.class);
    java.lang.reflect.Method answer = Assistant.class.getMethod("answer", String.class, String.class, String.class);
    assertThat(routed.routes(answer)).isTrue();
    assertThat(routed.routes(Assistant.class.getMethod("greeting"))).as("a default method without its own annotation").isFalse();
    assertThat(routed.route(answer)).isEqualTo("support-answer");
    Object out = routed.invoke(answer, impl, new Object[] {"u", "acme", "q"}, args -> impl.answer((String) args[0], (String) args[1], (String) args[2]));
    assertThat(out).isEqualTo("candidate answer");
    assertThat(impl.seen).containsExactly("v2/support-v8/1/q");
  }

  interface Unknown {
    @LlmRoute("no-such-route")
    String answer(String q);
  }

  interface TwoKeys {
    @LlmRoute("support-answer")
    String answer(@RoutingKey String user, @RoutingKey String session);
  }

  interface KeyAndSubject {
    @LlmRoute("support-answer")
    String answer(@RoutingKey String user, Subject subject);
  }

  interface Void {
    @LlmRoute("support-answer")
    void tell(String q);
  }

  interface WrongFallback {
    @LlmRoute(value = "support-answer", fallbackMethod = "sorry")
    String answer(String q);
  }

  interface MissingFallback {
    @LlmRoute(value = "support-answer", fallbackMethod = "nowhere")
    String answer(String q);
  }

  interface NotRouted {
    String answer(String q);
  }

  static class WrongFallbackImpl implements WrongFallback, Unknown, TwoKeys, KeyAndSubject, Void, MissingFallback, NotRouted {
    public String answer(String q) {
      return q;
    }

    public String answer(String a, String b) {
      return a;
    }

    public String answer(String a, Subject b) {
      return a;
    }

    public void tell(String q) {}

    public int sorry(String q, Throwable t) {
      return 0;
    }
  }

  @Test
  void misuseFailsWhenTheProxyIsBuiltNamingTheMethod() {
    Sluice s = sluice(route());
    var impl = new WrongFallbackImpl();
    assertThatThrownBy(() -> s.proxy(Unknown.class, impl)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("Unknown.answer(String)").hasMessageContaining("unknown route 'no-such-route'").hasMessageContaining("support-answer");
    assertThatThrownBy(() -> s.proxy(TwoKeys.class, impl)).hasMessageContaining("TwoKeys.answer(String, String)").hasMessageContaining("two @RoutingKey");
    assertThatThrownBy(() -> s.proxy(KeyAndSubject.class, impl)).hasMessageContaining("two routing keys");
    assertThatThrownBy(() -> s.proxy(Void.class, impl)).hasMessageContaining("Void.tell(String)").hasMessageContaining("returns void");
    assertThatThrownBy(() -> s.proxy(WrongFallback.class, impl)).hasMessageContaining("WrongFallback.answer(String)")
        .hasMessageContaining("wrong signature").hasMessageContaining("sorry(String, Throwable) returning String");
    assertThatThrownBy(() -> s.proxy(MissingFallback.class, impl)).hasMessageContaining("'nowhere' does not exist");
    assertThatThrownBy(() -> s.proxy(NotRouted.class, impl)).hasMessageContaining("no @LlmRoute method");
  }
}
