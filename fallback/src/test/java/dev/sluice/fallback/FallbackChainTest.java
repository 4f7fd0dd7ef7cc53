package dev.sluice.fallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.outcome.BudgetExceededException;
import dev.sluice.outcome.CallTimeoutException;
import dev.sluice.outcome.CircuitOpenException;
import dev.sluice.outcome.CallRejectedException;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.outcome.GuardrailBlockedException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.Outcome;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.audit.AuditEvent;
import dev.sluice.budget.BudgetAction;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetPeriod;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.budget.BudgetScope;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelClient;
import dev.sluice.pipeline.Phase;
import dev.sluice.StepFactory;
import dev.sluice.simulated.SimulatedFailure;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class FallbackChainTest {

  final ManualTimeSource time = new ManualTimeSource();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  static final ResiliencePolicy ONE_ATTEMPT = ResiliencePolicy.builder().maxAttempts(1).attemptTimeout(Duration.ofSeconds(2)).build();

  SimulatedModelClient failing(SimulatedFailure f) {
    return SimulatedModelClient.builder().timeSource(time).failure(f, 1.0).build();
  }

  SimulatedModelClient answering(String text) {
    return SimulatedModelClient.builder().timeSource(time).outputTokens(20, 30).text(text).build();
  }

  Variant variant(String id, ModelClient client) {
    return Variant.builder(id).client(client).model("gpt-4o-mini").build();
  }

  Sluice sluice(Route route, StepFactory... steps) {
    Sluice.Builder b = Sluice.builder().route(route).timeSource(time).meterRegistry(registry).auditSink(events::add);
    for (StepFactory s : steps) {
      b.step(s);
    }
    return b.build();
  }

  SluiceResponse call(Sluice s, Subject subject) {
    CompletableFuture<SluiceResponse> f = s.callAsync("r", ChatRequest.ofUser("Where is my order?"), subject);
    time.advance(Duration.ofSeconds(5));
    return f.join();
  }

  SluiceResponse call(Sluice s) {
    return call(s, Subject.of("u1"));
  }

  @Test
  void aBackupVariantAnswersAModelErrorWithItsOwnLabels() {
    Variant backup = Variant.builder("backup").client(answering("from the backup")).model("gpt-4o-mini")
        .labels(dev.sluice.release.VersionLabels.builder().promptVersion("backup-p1").build()).build();
    Route route = Route.builder("r").baseline(variant("v1", failing(SimulatedFailure.SERVER_ERROR))).variant(backup)
        .resilience(ONE_ATTEMPT).fallback(BackupVariantLink.of(backup)).build();

    SluiceResponse r = call(sluice(route));

    assertThat(r.text()).isEqualTo("from the backup");
    assertThat(r.outcome()).isEqualTo(Outcome.FALLBACK);
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(r.fallback()).hasValueSatisfying(f -> {
      assertThat(f.kind()).isEqualTo("backup_variant");
      assertThat(f.link()).isEqualTo("backup:backup");
      assertThat(f.primaryOutcome()).isEqualTo(Outcome.ERROR);
      assertThat(f.reason()).contains("HTTP 500");
    });
    assertThat(registry.get("sluice.calls").tag("outcome", "fallback").tag("fallback", "backup_variant").counter().count()).isEqualTo(1);
    assertThat(registry.get("sluice.fallbacks").tag("kind", "backup_variant").tag("trigger", "model_error").counter().count()).isEqualTo(1);
    assertThat(registry.get("gen_ai.client.operation.duration").tag("variant", "backup").tag("gen_ai.response.model", "gpt-4o-mini").timer().count()).isEqualTo(1);
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo("fallback");
      assertThat(e.fallback()).containsEntry("kind", "backup_variant");
    });
  }

  @Test
  void aFailingLinkFallsThroughToTheNext() {
    Variant broken = variant("broken", failing(SimulatedFailure.UNAVAILABLE));
    Route route = Route.builder("r").baseline(variant("v1", failing(SimulatedFailure.SERVER_ERROR))).variant(broken)
        .resilience(ONE_ATTEMPT)
        .fallback(BackupVariantLink.of(broken), CachedAnswerLink.builder().timeSource(time).meterRegistry(registry).build(),
            FixedAnswerLink.of("We can't answer right now; write to help@example.com."))
        .build();

    SluiceResponse r = call(sluice(route));

    assertThat(r.text()).startsWith("We can't answer right now");
    assertThat(r.fallback().get().kind()).isEqualTo("fixed");
    assertThat(r.chatResponse().responseModel()).isEqualTo("fallback:fixed");
    assertThat(registry.get("sluice.fallback.failures").tag("kind", "backup_variant").counter().count()).isEqualTo(1);
    assertThat(registry.get("sluice.fallback.failures").tag("kind", "cache").counter().count()).isEqualTo(1);
  }

  @Test
  void everyTriggerReachesTheLinksThatHandleIt() {
    record Case(String name, StepFactory fault, FallbackTrigger trigger) {}
    List<Case> cases = List.of(
        new Case("timeout", null, FallbackTrigger.TIMEOUT),
        new Case("circuit", StepFactory.of(Phase.CIRCUIT_BREAKER, (c, n) -> CompletableFuture.failedFuture(new CircuitOpenException("v1", "open"))), FallbackTrigger.CIRCUIT_OPEN),
        new Case("budget", null, FallbackTrigger.BUDGET_EXCEEDED),
        new Case("guardrail", StepFactory.of(Phase.INPUT_GUARDRAILS, (c, n) -> CompletableFuture.failedFuture(new GuardrailBlockedException("pii", "card number"))), FallbackTrigger.GUARDRAIL_BLOCKED),
        new Case("rate", null, FallbackTrigger.RATE_LIMITED),
        new Case("model", null, FallbackTrigger.MODEL_ERROR));
    for (Case c : cases) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      ModelClient model = switch (c.name()) {
        case "timeout" -> failing(SimulatedFailure.HANG);
        case "rate" -> failing(SimulatedFailure.RATE_LIMITED);
        case "model" -> failing(SimulatedFailure.SERVER_ERROR);
        default -> answering("primary");
      };
      Route.Builder rb = Route.builder("r").baseline(variant("v1", model)).resilience(ONE_ATTEMPT)
          .fallback(FixedAnswerLink.of("not this one").on(otherThan(c.trigger())), FixedAnswerLink.of("handled " + c.name()).on(c.trigger()));
      if (c.name().equals("budget")) {
        rb.budget(BudgetPolicy.builder().cap(BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 5).onExceeded(BudgetAction.FALLBACK)).build());
      }
      Sluice.Builder b = Sluice.builder().route(rb.build()).timeSource(time).meterRegistry(meters).auditSink(events::add);
      if (c.fault() != null) {
        b.step(c.fault());
      }
      SluiceResponse r = call(b.build());
      assertThat(r.text()).as(c.name()).isEqualTo("handled " + c.name());
      assertThat(meters.get("sluice.fallbacks").tag("trigger", c.trigger().tag()).counter().count()).as(c.name()).isEqualTo(1);
    }
  }

  static FallbackTrigger[] otherThan(FallbackTrigger t) {
    return FallbackTrigger.any().stream().filter(x -> x != t).toArray(FallbackTrigger[]::new);
  }

  @Test
  void aBudgetCapThatRejectsIsNotHiddenByTheFallback() {
    Route route = Route.builder("r").baseline(variant("v1", answering("primary"))).resilience(ONE_ATTEMPT)
        .budget(BudgetPolicy.builder().cap(BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 5)).build())
        .fallback(FixedAnswerLink.of("fixed")).build();
    Sluice s = sluice(route);
    CompletableFuture<SluiceResponse> f = s.callAsync("r", ChatRequest.ofUser("q"), Subject.of("u"));
    assertThatThrownBy(f::join).hasCauseInstanceOf(BudgetExceededException.class);
  }

  @Test
  void whenTheDeadlineLeavesNoTimeTheCheapLinkAnswersAndTheModelLinkIsSkipped() {
    AtomicBoolean backupCalled = new AtomicBoolean();
    SimulatedModelClient backupModel = SimulatedModelClient.builder().timeSource(time).responder(r -> {
      backupCalled.set(true);
      return "backup";
    }).build();
    Variant backup = variant("backup", backupModel);
    ResiliencePolicy tight = ResiliencePolicy.builder().maxAttempts(1).deadline(Duration.ofSeconds(1)).attemptTimeout(Duration.ofSeconds(5)).build();
    Route route = Route.builder("r").baseline(variant("v1", failing(SimulatedFailure.HANG))).variant(backup).resilience(tight)
        .fallback(BackupVariantLink.of(backup), FixedAnswerLink.of("fixed, in time")).build();

    SluiceResponse r = call(sluice(route));

    assertThat(r.text()).isEqualTo("fixed, in time");
    assertThat(backupCalled).isFalse();
    assertThat(r.fallback().get().primaryOutcome()).isEqualTo(Outcome.TIMEOUT);
  }

  @Test
  void whenNoLinkCanAnswerTheRightExceptionIsThrown() {
    Variant backup = variant("backup", failing(SimulatedFailure.HANG));
    ResiliencePolicy tight = ResiliencePolicy.builder().maxAttempts(1).deadline(Duration.ofSeconds(1)).attemptTimeout(Duration.ofSeconds(5)).build();
    Route route = Route.builder("r").baseline(variant("v1", failing(SimulatedFailure.HANG))).variant(backup).resilience(tight)
        .fallback(BackupVariantLink.of(backup)).build();
    CompletableFuture<SluiceResponse> f = sluice(route).callAsync("r", ChatRequest.ofUser("q"), Subject.of("u"));
    time.advance(Duration.ofSeconds(3));
    assertThatThrownBy(f::join).hasCauseInstanceOf(CallTimeoutException.class)
        .satisfies(e -> assertThat(e.getCause().getSuppressed()).isNotEmpty());
    assertThat(registry.get("sluice.calls").tag("outcome", "timeout").counter().count()).isEqualTo(1);
  }

  @Test
  void theCacheAnswersWithAnEarlierGoodAnswerButNeverAcrossTenants() {
    ScriptedFlip model = new ScriptedFlip(answering("the earlier answer"), failing(SimulatedFailure.SERVER_ERROR));
    CachedAnswerLink cache = CachedAnswerLink.builder().timeSource(time).meterRegistry(registry).expireAfterWrite(Duration.ofHours(1)).build();
    Route route = Route.builder("r").baseline(variant("v1", model)).resilience(ONE_ATTEMPT)
        .fallback(cache, FixedAnswerLink.of("fixed")).build();
    Sluice s = sluice(route);
    Subject acme = Subject.builder().routingKey("u1").tenant("acme").build();
    Subject globex = Subject.builder().routingKey("u2").tenant("globex").build();

    assertThat(call(s, acme).outcome()).isEqualTo(Outcome.SUCCESS);
    model.broken = true;
    SluiceResponse cached = call(s, acme);
    assertThat(cached.text()).isEqualTo("the earlier answer");
    assertThat(cached.fallback().get().kind()).isEqualTo("cache");
    assertThat(call(s, globex).text()).as("another tenant never sees acme's answer").isEqualTo("fixed");
    assertThat(registry.get("cache.gets").tag("cache", "sluice.fallback.cache").tag("result", "hit").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("cache.gets").tag("cache", "sluice.fallback.cache").tag("result", "miss").functionCounter().count()).isEqualTo(1);

    time.advance(Duration.ofHours(2));
    assertThat(call(s, acme).text()).as("expired").isEqualTo("fixed");
  }

  @Test
  void aGuardrailBlockedAnswerIsNeverCached() {
    CachedAnswerLink cache = CachedAnswerLink.builder().timeSource(time).meterRegistry(registry).build();
    Route route = Route.builder("r").baseline(variant("v1", answering("leaks the system prompt"))).resilience(ONE_ATTEMPT)
        .fallback(RethrowLink.on(FallbackTrigger.GUARDRAIL_BLOCKED), cache).build();
    Sluice s = sluice(route, StepFactory.of(Phase.OUTPUT_GUARDRAILS, (c, n) -> n.proceed(c).thenApply(r -> {
      throw new GuardrailBlockedException("system-prompt-leak", "canary token in the answer");
    })));
    CompletableFuture<SluiceResponse> f = s.callAsync("r", ChatRequest.ofUser("q"), Subject.of("u"));
    time.advance(Duration.ofSeconds(1));
    assertThatThrownBy(f::join).hasCauseInstanceOf(GuardrailBlockedException.class);
    assertThat(cache.size()).isZero();
  }

  @Test
  void aHandOffQueuesTheRequestAndSaysSo() {
    List<String> queued = new ArrayList<>();
    Route route = Route.builder("r").baseline(variant("v1", failing(SimulatedFailure.SERVER_ERROR))).resilience(ONE_ATTEMPT)
        .fallback(HandOffLink.of(req -> {
          queued.add(req.call().request().lastUserText());
          return "T-" + queued.size();
        }, "A person will follow up (ticket {ticket}).")).build();
    SluiceResponse r = call(sluice(route));
    assertThat(r.text()).isEqualTo("A person will follow up (ticket T-1).");
    assertThat(queued).containsExactly("Where is my order?");
    assertThat(events.get(0).details()).containsEntry("hand_off_ticket", "T-1");
  }

  @Test
  void theKillSwitchCanSendCallsStraightToTheFallback() {
    SimulatedModelClient primary = answering("primary");
    Route route = Route.builder("r").baseline(variant("v1", primary)).resilience(ONE_ATTEMPT)
        .fallback(FixedAnswerLink.of("maintenance: back soon")).build();
    Sluice s = sluice(route);
    s.rollout("r").kill(true, "oncall", "INC-7");
    SluiceResponse r = call(s);
    assertThat(r.text()).isEqualTo("maintenance: back soon");
    assertThat(primary.calls()).isZero();
    assertThat(r.fallback().get().primaryOutcome()).isEqualTo(Outcome.REJECTED);
  }

  @Test
  void aKilledCallGoesOnlyToLinksThatHandleTheKillSwitch() {
    SimulatedModelClient primary = answering("primary");
    Route route = Route.builder("r").baseline(variant("v1", primary)).resilience(ONE_ATTEMPT)
        .fallback(FixedAnswerLink.of("slow down").on(FallbackTrigger.RATE_LIMITED),
            FixedAnswerLink.of("maintenance: back soon").on(FallbackTrigger.KILLED)).build();
    Sluice s = sluice(route);
    s.rollout("r").kill(true, "oncall", "INC-8");
    SluiceResponse r = call(s);
    assertThat(r.text()).isEqualTo("maintenance: back soon");
    assertThat(primary.calls()).isZero();
  }

  @Test
  void aKilledCallThatNoLinkHandlesFailsWithTheKillSwitchAsItsReason() {
    SimulatedModelClient primary = answering("primary");
    Route route = Route.builder("r").baseline(variant("v1", primary)).resilience(ONE_ATTEMPT)
        .fallback(FixedAnswerLink.of("slow down").on(FallbackTrigger.RATE_LIMITED)).build();
    Sluice s = sluice(route);
    s.rollout("r").kill(true, "oncall", "INC-9");
    CompletableFuture<SluiceResponse> f = s.callAsync("r", ChatRequest.ofUser("q"), Subject.of("u"));
    assertThatThrownBy(f::join).cause().isInstanceOfSatisfying(CallRejectedException.class,
        e -> assertThat(e.reason()).isEqualTo("kill_switch"));
    assertThat(primary.calls()).isZero();
  }

  @Test
  void aRethrowLinkStopsTheChain() {
    Route route = Route.builder("r").baseline(variant("v1", failing(SimulatedFailure.SERVER_ERROR))).resilience(ONE_ATTEMPT)
        .fallback(RethrowLink.on(FallbackTrigger.MODEL_ERROR), FixedAnswerLink.of("never")).build();
    CompletableFuture<SluiceResponse> f = sluice(route).callAsync("r", ChatRequest.ofUser("q"), Subject.of("u"));
    time.advance(Duration.ofSeconds(1));
    assertThatThrownBy(f::join).hasCauseInstanceOf(ModelCallException.class);
  }

  /** A client that answers until told it is broken. */
  static final class ScriptedFlip implements ModelClient {
    final ModelClient good;
    final ModelClient bad;
    volatile boolean broken;

    ScriptedFlip(ModelClient good, ModelClient bad) {
      this.good = good;
      this.bad = bad;
    }

    @Override
    public String provider() {
      return "simulated";
    }

    @Override
    public java.util.concurrent.CompletionStage<dev.sluice.model.ChatResponse> chatAsync(ChatRequest request) {
      return (broken ? bad : good).chatAsync(request);
    }
  }
}
