package dev.sluice;

import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.outcome.Outcome;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.outcome.SluiceException;
import dev.sluice.audit.AuditSink;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetLedger;
import dev.sluice.budget.BudgetStanding;
import dev.sluice.budget.InMemoryBudgetLedger;
import dev.sluice.internal.budget.Budgets;
import dev.sluice.judge.EvidenceExchange;
import dev.sluice.judge.Judge;
import dev.sluice.judge.JudgeConfig;
import dev.sluice.rollout.InMemoryToggleSource;
import dev.sluice.rollout.RolloutEvent;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.RolloutStateStore;
import dev.sluice.rollout.ShadowPolicy;
import dev.sluice.rollout.StageGate;
import dev.sluice.rollout.ToggleSource;
import java.util.function.Consumer;
import dev.sluice.internal.CallPipeline;
import dev.sluice.internal.Workers;
import dev.sluice.internal.OwnedGauges;
import dev.sluice.annotation.RoutedMethods;
import dev.sluice.internal.proxy.AttemptBody;
import dev.sluice.internal.rollout.ShadowLauncher;
import dev.sluice.internal.proxy.MethodScan;
import dev.sluice.internal.proxy.PlannedMethods;
import dev.sluice.internal.proxy.RouteProxy;
import dev.sluice.internal.proxy.RouteCaller;
import dev.sluice.internal.Failures;
import dev.sluice.internal.CallIds;
import dev.sluice.internal.PipelineAssembly;
import dev.sluice.internal.resilience.Breakers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.internal.CallState;
import dev.sluice.internal.StreamOut;
import dev.sluice.pipeline.CallListener;
import dev.sluice.pipeline.PipelineEnvironment;
import dev.sluice.pricing.PriceTable;
import dev.sluice.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The entry point: built once, thread-safe, shared by the whole application. Each call picks the
 * route's variant, runs it through the route's pipeline, and returns a {@link SluiceResponse} that
 * says what produced it, or throws a {@link SluiceException} whose subclass says why not.
 *
 * <pre>{@code
 * Sluice sluice = Sluice.builder()
 *     .route(Route.builder("support-answer").baseline(v1).build())
 *     .meterRegistry(registry)
 *     .build();
 * SluiceResponse answer = sluice.call("support-answer", ChatRequest.ofUser("Where is my order?"), Subject.of("user-42"));
 * }</pre>
 */
public final class Sluice implements AutoCloseable {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Sluice.class);

  /** Each route's current release set, pipeline and rollout: replaced whole when a release changes it. */
  private final Map<String, Slot> slots = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Set<String> routeNames;
  private final PipelineEnvironment environment;
  private final Breakers breakers;
  private final Budgets budgets;
  private final List<TimeSource.Scheduled> ticks = new ArrayList<>();
  private final Releases releases;
  private final @Nullable ReleaseDirectory releaseDirectory;
  /** What {@link #install} needs to build a route's pipeline and rollout again. */
  private final RolloutStateStore stateStore;
  private final ToggleSource toggles;
  private final List<StepFactory> steps;
  private final ShadowPolicy shadow;
  private final StageGate gate;
  private final List<Consumer<RolloutEvent>> rolloutListeners;
  private final java.util.Set<Judge> allJudges;
  private final Duration evaluateEvery;
  /** Routes whose rollouts are evaluated on a schedule. Guarded by this. */
  private final java.util.Set<String> evaluated = new java.util.HashSet<>();

  /** A route as calls see it: one volatile read per call, all three from the same release set. */
  private record Slot(Route route, CallPipeline pipeline, RolloutControl control) {}
  private volatile boolean closed;
  private final ShadowLauncher shadowLauncher;
  /** The judges among the call listeners: feedback goes to them. */
  private final List<Judge> judges;
  private final Workers workers;
  private final OwnedGauges gauges;

  /**
   * Requests up to this many characters run {@code callAsync}'s steps on the caller's thread up to
   * the model call (microseconds); larger ones go to the executor first, so the caller never waits
   * for guardrails or token counting in proportion to its input.
   */
  static final long ASYNC_INLINE_CHARS = 16 * 1024;

  private Sluice(Builder b) {
    StageGate gate = b.gate;
    List<CallListener> callListeners = b.callListeners;
    if (!b.gateChosen) {
      for (Route r : b.routes) {
        RolloutPlan plan = r.releasePlan().orElse(null);
        if (plan != null && plan.margins().isEmpty() && plan.stages().stream().anyMatch(Stage::isLive)) {
          // Without metrics nothing would judge the candidate: it would be promoted on exposure alone.
          throw new InvalidConfigurationException("routes[" + r.name() + "].rollout.metrics", "the rollout plan names no metric "
              + "margins, so nothing would judge the candidate; add margins (e.g. .margin(new MetricMargin(\"error_rate\", 0.5)), "
              + "file: metrics: {error_rate: 0.5}), or choose a gate explicitly: stageGate(StageGate.EXPOSURE) promotes on "
              + "exposure alone, StageGate.MANUAL only when a person advances");
        }
      }
    }
    if (!b.gateChosen && b.routes.stream().anyMatch(r -> r.releasePlan().map(p -> !p.margins().isEmpty()).orElse(false))) {
      // A plan that names metric margins means the judge: safe by default, whether the plan came
      // from the builder, a configuration file or Spring. stageGate(StageGate.EXPOSURE) opts out.
      Judge judge = new Judge(JudgeConfig.DEFAULTS, b.meters);
      gate = judge;
      callListeners = new ArrayList<>(b.callListeners);
      callListeners.add(judge);
    }
    this.workers = Workers.of(b.executor, b.time);
    this.environment = new PipelineEnvironment(b.time, b.meters, Objects.requireNonNull(b.prices, "prices"), b.audit, b.auditText, callListeners,
        workers, b.observations);
    this.gauges = new OwnedGauges(b.meters);
    this.breakers = new Breakers(b.time, gauges);
    this.shadowLauncher = ShadowLauncher.of(b.shadow, b.shadowExecutor);
    this.budgets = new Budgets(b.ledger != null ? b.ledger : new InMemoryBudgetLedger(b.time), b.budgetCaps, gauges);
    if (b.ledger instanceof io.micrometer.core.instrument.binder.MeterBinder binder) {
      binder.bindTo(b.meters); // a shared ledger's own meters (Redis: settles waiting, slices held, round trips)
    }
    Map<String, Route> byName = new LinkedHashMap<>();
    for (Route r : b.routes) {
      if (byName.put(r.name(), r) != null) {
        throw new InvalidConfigurationException("routes", "route '" + r.name() + "' is defined twice; route names must be unique");
      }
    }
    if (byName.isEmpty()) {
      throw new InvalidConfigurationException("routes", "a Sluice needs at least one route; add one with Sluice.builder().route(...)");
    }
    PromptVersions.check(byName.values());
    this.routeNames = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(byName.keySet()));
    this.stateStore = b.stateStore;
    this.toggles = b.toggles;
    this.steps = List.copyOf(b.steps);
    this.shadow = b.shadow;
    this.gate = gate;
    // Every change to a rollout, an operator's or the judge's, is also an audit event.
    AuditSink audit = b.audit;
    List<Consumer<RolloutEvent>> rolloutListeners = new ArrayList<>(b.listeners);
    rolloutListeners.add(e -> {
      try {
        audit.acceptRollout(e);
      } catch (RuntimeException ex) {
        log.warn("the audit sink failed on a rollout event of route {} ({})", e.route(), e.kind(), ex);
      }
    });
    this.releases = new Releases(this, byName.values(), b.releaseStore, b.releaseClients, b.time, System::getenv, b.onChangedPrompt,
        workers, environment.prices(), releaseListeners(b));
    // A published release whose rollout ends is promoted or marked: the releases follow every rollout.
    rolloutListeners.add(releases::onRollout);
    this.rolloutListeners = List.copyOf(rolloutListeners);
    this.judges = callListeners.stream().filter(Judge.class::isInstance).map(Judge.class::cast).distinct().toList();
    // Each judge keeps every route's rollout evidence apart from earlier rollouts of the route.
    java.util.Set<Judge> judging = new java.util.LinkedHashSet<>(judges);
    if (gate instanceof Judge j) {
      judging.add(j);
    }
    this.allJudges = Collections.unmodifiableSet(judging);
    this.evaluateEvery = b.evaluateEvery;
    for (Route r : byName.values()) {
      install(r, r.name());
    }
    if (gate instanceof Judge judge) {
      if (b.evidence != null && judge.sharedEvidence() == null) {
        judge.shareEvidence(b.evidence);
      }
      judge.onLookDue(route -> environment.time().schedule(Duration.ZERO, () -> workers.execute(() -> evaluate(route))));
    }
    // A store other instances share: follow their changes when told, and on a schedule in case a notice was lost.
    AutoCloseable watch = null;
    if (b.stateStore.shared()) {
      // Keys are route names, or route@release for a published release's rollout.
      watch = b.stateStore.watch(key -> {
        int at = key.indexOf('@');
        Slot slot = slots.get(at < 0 ? key : key.substring(0, at));
        if (slot != null && !closed && slot.control().stateKey().equals(key)) {
          workers.execute(slot.control()::follow);
        }
      });
      for (String route : routeNames) {
        scheduleFollow(route, b.followEvery);
      }
    }
    this.stateWatch = watch;
    AutoCloseable logWatch = null;
    if (b.releaseStore.shared()) {
      logWatch = b.releaseStore.watch(() -> {
        if (!closed) {
          workers.execute(releases::follow);
        }
      });
      scheduleEvery(b.followEvery, releases::follow);
    }
    // Whatever the log already holds (a fleet's releases) applies before the first call.
    releases.follow();
    this.releaseWatch = logWatch;
    if (b.releaseDirectory != null) {
      this.releaseDirectory = new ReleaseDirectory(b.releaseDirectory, releases);
      releaseDirectory.scan();
      scheduleEvery(b.releaseDirectoryEvery, releaseDirectory::scan);
    } else {
      this.releaseDirectory = null;
    }
    this.closeWith = List.copyOf(b.closeWith);
  }

  private final @Nullable AutoCloseable stateWatch;
  private final @Nullable AutoCloseable releaseWatch;
  private final List<AutoCloseable> closeWith;

  /** The builder's release listeners and the audit sink, which records every release change. */
  private static List<Consumer<dev.sluice.release.ReleaseEvent>> releaseListeners(Builder b) {
    List<Consumer<dev.sluice.release.ReleaseEvent>> all = new ArrayList<>(b.releaseListeners);
    AuditSink audit = b.audit;
    all.add(e -> audit.acceptRelease(e));
    return all;
  }

  /**
   * Makes {@code route} what calls are served by from the next call on, with a new pipeline and a
   * new rollout whose state is kept under {@code stateKey}; calls in flight finish on what they
   * started with. The rollout it replaces takes no more operations.
   */
  synchronized void install(Route route, String stateKey) {
    if (!slots.isEmpty()) {
      PromptVersions.check(List.of(route));
    }
    RolloutPlan plan = route.rollout().orElse(null);
    RolloutControl control = new RolloutControl(route, plan, stateKey, stateStore, toggles, environment.time(), gate, rolloutListeners);
    CallPipeline pipeline = PipelineAssembly.assemble(route, environment, steps, breakers, budgets, control, shadow, shadowLauncher);
    if (plan != null) {
      allJudges.forEach(j -> j.judgeRollout(plan));
      // Evaluated on a schedule from its first rollout on (a route without one has no timer).
      if (!evaluateEvery.isZero() && evaluated.add(route.name())) {
        String name = route.name();
        scheduleEvery(evaluateEvery, () -> evaluate(name));
      }
    }
    Slot old = slots.put(route.name(), new Slot(route, pipeline, control));
    if (old != null) {
      old.control().retire("route '" + route.name() + "' now serves " + route.baseline().id()
          + route.candidate().map(c -> " with candidate " + c.id()).orElse(""));
    }
  }

  private void evaluate(String route) {
    RolloutControl c = slot(route).control();
    if (c.plan() != null) {
      c.evaluate();
    }
  }

  private void scheduleFollow(String route, Duration every) {
    scheduleEvery(every, () -> {
      try {
        slot(route).control().follow();
      } catch (RuntimeException e) {
        log.warn("route {}: could not read the shared rollout state; trying again in {}", route, every, e);
      }
    });
  }

  private Slot slot(String route) {
    Slot s = slots.get(Objects.requireNonNull(route, "route"));
    if (s == null) {
      throw unknownRoute(route);
    }
    return s;
  }

  /**
   * The releases of each route: publish one at runtime, roll back to an earlier one, read the
   * history (see {@link Releases}).
   */
  public Releases releases() {
    return releases;
  }

  /** Runs {@code task} on the workers every {@code every} of this instance's time, until it closes. */
  private void scheduleEvery(Duration every, Runnable task) {
    synchronized (ticks) {
      if (closed) {
        return;
      }
      ticks.add(environment.time().schedule(every, () -> workers.execute(() -> {
        try {
          task.run();
        } finally {
          scheduleEvery(every, task);
        }
      })));
    }
  }

  /**
   * Records feedback that arrives after a call — thumbs up (1) or down (0), a task's success, a
   * grader's score — by the call's id ({@link SluiceResponse#callId()}, also on its audit event): the
   * judge counts it as a quality observation of the call's rollout stage and variant, judged against
   * the plan's {@code quality} margin. Higher is better. Up to {@link Judge#FEEDBACK_WINDOW} after the
   * call, for the {@link Judge#FEEDBACK_CALLS} most recent calls. Whether the call was found (false
   * also when no judge is wired).
   *
   * <pre>{@code
   * SluiceResponse r = sluice.call("support-answer", request, subject);
   * // ... minutes later, when the user clicks
   * sluice.feedback(r.callId(), thumbsUp ? 1 : 0);
   * }</pre>
   */
  public boolean feedback(String callId, double score) {
    boolean found = false;
    for (Judge j : judges) {
      found |= j.feedback(callId, score);
    }
    return found;
  }

  /** The rollout and toggles of a route: read its stage, kill, pin, set percent, pause, advance, roll back. */
  public RolloutControl rollout(String route) {
    return slot(route).control();
  }

  /**
   * Closes this instance: calls, proxies' routed methods, toggles and rollout operations after it
   * fail with an {@link IllegalStateException}; scheduled rollout evaluations stop; the shadow
   * launcher's thread stops (queued shadow runs are dropped); Sluice's own worker threads end once
   * the work already given to them has run. Calls in flight finish. Closing twice does nothing.
   */
  @Override
  public void close() {
    boolean first;
    synchronized (ticks) {
      first = !closed;
      closed = true;
      ticks.forEach(TimeSource.Scheduled::cancel);
      ticks.clear();
    }
    for (AutoCloseable w : java.util.Arrays.asList(stateWatch, releaseWatch)) {
      if (w != null) {
        try {
          w.close();
        } catch (Exception e) {
          log.warn("could not stop watching the shared rollout state or release log", e);
        }
      }
    }
    slots.values().forEach(s -> s.control().close());
    shadowLauncher.close();
    workers.close();
    breakers.close();
    gauges.close();
    if (first) {
      for (AutoCloseable r : closeWith) {
        try {
          r.close();
        } catch (Exception e) {
          log.warn("could not close {}", r, e);
        }
      }
    }
  }

  private void requireOpen(String route) {
    if (closed) {
      throw new IllegalStateException("cannot call route '" + route + "': this Sluice instance is closed");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Calls the route and waits for the answer. Interrupting the caller cancels the call. */
  public SluiceResponse call(String route, ChatRequest request, Subject subject) {
    requireOpen(route);
    CallPipeline pipeline = pipeline(route);
    CallState call = newCall(pipeline, request, subject);
    CompletableFuture<ChatResponse> f = pipeline.execute(call);
    try {
      return toResponse(call, f.get());
    } catch (InterruptedException e) {
      call.cancel();
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new SluiceException("interrupted while calling route '" + route + "'; the call was cancelled", e);
    } catch (ExecutionException e) {
      throw Failures.fromStep(e.getCause() != null ? e.getCause() : e);
    } catch (CancellationException e) {
      throw new SluiceException("the call to route '" + route + "' was cancelled", e);
    }
  }

  private CallState newCall(CallPipeline pipeline, ChatRequest request, Subject subject) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(subject, "subject");
    TimeSource time = environment.time();
    return new CallState(CallIds.next(), pipeline.route(), request, subject, time.now(), time.nanoTime());
  }

  /** The named route's pipeline: one lookup per call. */
  private CallPipeline pipeline(String route) {
    return slot(route).pipeline();
  }

  private IllegalArgumentException unknownRoute(String name) {
    return new IllegalArgumentException("unknown route '" + name + "'; known routes: " + routeNames);
  }

  /**
   * Calls the route without blocking. The future completes with the answer or with a
   * {@link SluiceException}; cancelling it cancels the call and aborts the model request in flight.
   */
  public CompletableFuture<SluiceResponse> callAsync(String route, ChatRequest request, Subject subject) {
    Objects.requireNonNull(request, "request");
    if (request.inputChars() <= ASYNC_INLINE_CHARS) {
      return start(route, request, subject, null);
    }
    requireOpen(route);
    pipeline(route);
    Objects.requireNonNull(subject, "subject");
    CompletableFuture<SluiceResponse> result = new CompletableFuture<>();
    workers.execute(() -> {
      if (result.isDone()) {
        return;
      }
      try {
        CompletableFuture<SluiceResponse> call = start(route, request, subject, null);
        result.whenComplete((r, e) -> {
          if (result.isCancelled()) {
            call.cancel(true);
          }
        });
        call.whenComplete((r, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
          } else {
            result.complete(r);
          }
        });
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /**
   * Calls the route as a stream: the answer's chunks as the model writes them, through the same
   * pipeline as {@link #call} (assignment, guardrails, budgets, retries and fallbacks before the
   * first chunk, breakers, meters, audit, the judge). The call starts when the returned stream is
   * subscribed to; see {@link SluiceStream} for what happens when it fails part-way.
   *
   * <pre>{@code
   * for (ChatChunk chunk : sluice.stream("support-answer", ChatRequest.ofUser("Where is my order?"), Subject.of("user-42"))) {
   *   System.out.print(chunk.text());
   * }
   * }</pre>
   */
  public SluiceStream stream(String route, ChatRequest request, Subject subject) {
    return stream(route, request, subject, null);
  }

  private SluiceStream stream(String route, ChatRequest request, Subject subject, @Nullable AttemptBody body) {
    requireOpen(route);
    CallPipeline pipeline = pipeline(route);
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(subject, "subject");
    CompletableFuture<SluiceResponse> result = new CompletableFuture<>();
    return new SluiceStream(subscriber -> {
      CallState call;
      StreamOut out;
      try {
        requireOpen(route);
        call = newCall(pipeline, request, subject);
        if (body != null) {
          call.put(AttemptBody.KEY, body);
        }
        out = new StreamOut(subscriber, pipeline.route().streamHoldBackChars(), call::cancel);
        call.stream(out);
      } catch (RuntimeException e) {
        SluiceStream.refuse(subscriber, e);
        result.completeExceptionally(e);
        return;
      }
      result.whenComplete((ignored, failure) -> {
        if (failure instanceof CancellationException) {
          call.cancel();
        }
      });
      out.start();
      Runnable run = () -> pipeline.execute(call).whenComplete((response, failure) -> {
        if (failure != null) {
          result.completeExceptionally(out.fail(Failures.fromStep(failure)));
          return;
        }
        try {
          SluiceResponse done = toResponse(call, response);
          out.succeed(response);
          result.complete(done);
        } catch (RuntimeException e) {
          result.completeExceptionally(out.fail(Failures.fromStep(e)));
        }
      });
      if (request.inputChars() <= ASYNC_INLINE_CHARS) {
        run.run();
      } else {
        workers.execute(run);
      }
    }, result);
  }

  /**
   * A proxy of {@code type} whose {@link dev.sluice.annotation.LlmRoute @LlmRoute} methods run
   * {@code implementation}'s body inside their route's pipeline; other methods go straight to the
   * implementation. Every routed method is checked here: an unknown route, a fallback method with
   * the wrong signature or two routing keys fail now with an {@link InvalidConfigurationException}
   * naming the method.
   *
   * <pre>{@code
   * SupportAssistant assistant = sluice.proxy(SupportAssistant.class, new OpenAiSupportAssistant());
   * String answer = assistant.answer("user-42", "acme", "How do I reset my password?");
   * }</pre>
   */
  public <T> T proxy(Class<T> type, T implementation) {
    return RouteProxy.create(type, implementation, routeNames, routeCaller());
  }

  /**
   * The {@link dev.sluice.annotation.LlmRoute @LlmRoute} methods of a class, planned and checked,
   * for a framework's interceptor (the Spring starter uses this). Fails on misuse, naming the
   * method.
   */
  public RoutedMethods routedMethods(Class<?> type) {
    Objects.requireNonNull(type, "type");
    return new PlannedMethods(type.isInterface() ? MethodScan.ofInterface(type, type, routeNames) : MethodScan.ofClass(type, routeNames),
        routeCaller());
  }

  /** How a routed method runs its route: whole, or as a stream. */
  private RouteCaller routeCaller() {
    return new RouteCaller() {
      @Override
      public CompletableFuture<SluiceResponse> call(String route, ChatRequest request, Subject subject, AttemptBody body) {
        return start(route, request, subject, body);
      }

      @Override
      public SluiceStream stream(String route, ChatRequest request, Subject subject, AttemptBody body) {
        return Sluice.this.stream(route, request, subject, body);
      }
    };
  }

  private CompletableFuture<SluiceResponse> start(String route, ChatRequest request, Subject subject, @Nullable AttemptBody body) {
    requireOpen(route);
    CallPipeline pipeline = pipeline(route);
    CallState call = newCall(pipeline, request, subject);
    if (body != null) {
      call.put(AttemptBody.KEY, body);
    }
    CompletableFuture<SluiceResponse> result = new CompletableFuture<>();
    pipeline.execute(call).whenComplete((response, failure) -> {
      if (failure != null) {
        result.completeExceptionally(Failures.fromStep(failure));
        return;
      }
      try {
        result.complete(toResponse(call, response));
      } catch (RuntimeException e) {
        // Never leave the caller waiting on a future nobody completes.
        result.completeExceptionally(Failures.fromStep(e));
      }
    });
    result.whenComplete((ignored, failure) -> {
      if (failure instanceof CancellationException) {
        call.cancel();
      }
    });
    return result;
  }

  /** The route with this name, as it serves now (a published release changes it). */
  public Route route(String name) {
    return slot(name).route();
  }

  /** Every route as it serves now, in the order they were added: a snapshot. */
  public Map<String, Route> routes() {
    Map<String, Route> now = new LinkedHashMap<>();
    for (String name : routeNames) {
      now.put(name, slot(name).route());
    }
    return Collections.unmodifiableMap(now);
  }

  /** The time, meters, prices and audit sink this instance uses. */
  public PipelineEnvironment environment() {
    return environment;
  }

  /**
   * The Resilience4j circuit breaker of a route's variant: read its state and metrics, or force it
   * open or closed by hand.
   */
  public CircuitBreaker circuitBreaker(String route, String variantId) {
    Route r = route(route);
    return breakers.circuitBreaker(r, r.variant(variantId));
  }

  /** Where a route's route-wide and global budget caps stand in their current periods. */
  public List<BudgetStanding> budgetStandings(String route) {
    return budgets.standings(route(route).name());
  }

  /** The ledger budgets are counted in. */
  public BudgetLedger ledger() {
    return budgets.ledger();
  }

  /** The steps of a route's pipeline, outermost first (for diagnostics and docs). */
  public List<String> pipelineSteps(String route) {
    return pipeline(route).stepNames();
  }

  private static SluiceResponse toResponse(CallState call, ChatResponse response) {
    Variant v = call.labelledVariant();
    // Decided once, by the record step, which finishes every call before its stage completes.
    Outcome outcome = Objects.requireNonNull(call.outcome(), "the record step decides the outcome");
    return new SluiceResponse(call.callId(), call.route().name(), v.id(), v.labels(), outcome, call.attempts(), response,
        call.usage(), call.cost(), Duration.ofNanos(Math.max(0, call.latencyNanos())), call.fallback());
  }

  /** Builds a {@link Sluice}; {@link #build()} validates routes and assembles each route's pipeline. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();
    private final List<StepFactory> steps = new ArrayList<>();
    private TimeSource time = TimeSource.system();
    private MeterRegistry meters = Metrics.globalRegistry;
    private io.micrometer.observation.ObservationRegistry observations = io.micrometer.observation.ObservationRegistry.NOOP;
    private @Nullable PriceTable prices;
    private AuditSink audit = AuditSink.slf4j();
    private boolean auditText;
    private @Nullable BudgetLedger ledger;
    private final List<BudgetCap> budgetCaps = new ArrayList<>();
    private ToggleSource toggles = new InMemoryToggleSource();
    private RolloutStateStore stateStore = RolloutStateStore.inMemory();
    private Duration followEvery = Duration.ofSeconds(1);
    private final List<AutoCloseable> closeWith = new ArrayList<>();
    private StageGate gate = StageGate.EXPOSURE;
    private final List<Consumer<RolloutEvent>> listeners = new ArrayList<>();
    private Duration evaluateEvery = Duration.ofSeconds(10);
    private ShadowPolicy shadow = ShadowPolicy.DEFAULTS;
    private @Nullable Executor shadowExecutor;
    private @Nullable Executor executor;
    private final List<CallListener> callListeners = new ArrayList<>();
    private @Nullable EvidenceExchange evidence;
    private dev.sluice.release.ReleaseStore releaseStore = dev.sluice.release.ReleaseStore.inMemory();
    private dev.sluice.model.ClientResolver releaseClients = dev.sluice.model.ClientResolver.none();
    private Releases.OnChangedPrompt onChangedPrompt = Releases.OnChangedPrompt.REFUSE;
    private final List<Consumer<dev.sluice.release.ReleaseEvent>> releaseListeners = new ArrayList<>();
    private java.nio.file.@Nullable Path releaseDirectory;
    private Duration releaseDirectoryEvery = Duration.ofSeconds(5);
    /** Whether a gate or judge was given; if not, a plan with metric margins gets the judge. */
    private boolean gateChosen;

    private Builder() {}

    /**
     * Lets the judge decide stage promotion and rollback: it becomes the stage gate and sees every
     * call; it also looks after every {@code lookEvery} candidate calls, off the caller's path.
     */
    public Builder judge(Judge judge) {
      this.gate = Objects.requireNonNull(judge, "judge");
      this.gateChosen = true;
      callListeners.add(judge);
      return this;
    }

    /**
     * Where the judge pools its evidence with the other instances of a fleet (fleet mode sets it):
     * the judge given to {@link #judge} shares it, unless it already shares another.
     */
    public Builder judgeEvidence(EvidenceExchange evidence) {
      this.evidence = Objects.requireNonNull(evidence, "evidence");
      return this;
    }

    /**
     * Where release changes are logged for every instance to apply (see {@link Releases}); default in
     * memory. Fleet mode puts it on Redis, so a release published on one instance is served by all.
     */
    public Builder releaseStore(dev.sluice.release.ReleaseStore store) {
      this.releaseStore = Objects.requireNonNull(store, "releaseStore");
      return this;
    }

    /** The application's model clients that release documents name ({@code client: {ref: name}}); default none. */
    public Builder releaseClients(dev.sluice.model.ClientResolver clients) {
      this.releaseClients = Objects.requireNonNull(clients, "releaseClients");
      return this;
    }

    /** What a release whose prompt changed under an unchanged {@code promptVersion} gets; default refused. */
    public Builder onChangedPrompt(Releases.OnChangedPrompt policy) {
      this.onChangedPrompt = Objects.requireNonNull(policy, "onChangedPrompt");
      return this;
    }

    /** Told of every release change (published, promoted, rolled back, refused), after the audit sink. */
    public Builder releaseListener(Consumer<dev.sluice.release.ReleaseEvent> listener) {
      releaseListeners.add(Objects.requireNonNull(listener, "releaseListener"));
      return this;
    }

    /**
     * A directory of release files ({@code *.yaml}, {@code *.yml}, {@code *.json}, one release each;
     * see {@link ReleaseDefinition}) read at build and again every {@code every}:
     * a new or changed file is published (see {@link ReleaseDirectory}).
     */
    public Builder releaseDirectory(java.nio.file.Path directory, Duration every) {
      this.releaseDirectory = Objects.requireNonNull(directory, "releaseDirectory");
      if (every == null || every.isNegative() || every.isZero()) {
        throw new InvalidConfigurationException("releases.poll", every, "a positive duration");
      }
      this.releaseDirectoryEvery = every;
      return this;
    }

    /** Told of every finished call (after meters and audit), e.g. for reports. */
    public Builder callListener(CallListener listener) {
      callListeners.add(Objects.requireNonNull(listener, "callListener"));
      return this;
    }

    /**
     * Where work that leaves the caller's thread runs: a retry after its backoff, an attempt whose
     * timeout fired and what follows it (fallback links, the audit sink, your continuations of
     * {@code callAsync}), and a {@code callAsync} of more than 16 KiB of input, whose guardrails
     * and token counting then run here rather than on the calling thread. Never the timer's own
     * thread. Default: Sluice's pool of one daemon thread per core (at least two), ended by {@link
     * Sluice#close()}; with a {@link dev.sluice.time.ManualTimeSource} (tests), the thread that
     * advances the clock. A task your executor rejects runs on the thread that handed it over.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Where shadow runs start, instead of this instance's own daemon thread (whose queue holds the
     * shadow policy's {@code queueCapacity}). Starting a run only makes its (asynchronous)
     * request, so a direct executor ({@code Runnable::run}) starts it on the thread that completed
     * the served answer and never waits for it; tests use that to make shadows deterministic. The
     * executor should reject, not block, when full.
     */
    public Builder shadowExecutor(Executor executor) {
      this.shadowExecutor = Objects.requireNonNull(executor, "shadowExecutor");
      return this;
    }

    /** Concurrency, queue, timeout, noise share and budget of shadow runs. */
    public Builder shadow(ShadowPolicy policy) {
      this.shadow = Objects.requireNonNull(policy, "shadow");
      return this;
    }

    /** Where toggles are read and written; default in memory. */
    public Builder toggleSource(ToggleSource source) {
      this.toggles = Objects.requireNonNull(source, "toggleSource");
      return this;
    }

    /** Where rollout state is kept across restarts; default in memory. */
    public Builder rolloutStateStore(RolloutStateStore store) {
      this.stateStore = Objects.requireNonNull(store, "rolloutStateStore");
      return this;
    }

    /** Decides stage promotion and rollback; default {@link StageGate#EXPOSURE} (by minimum calls and time). */
    public Builder stageGate(StageGate gate) {
      this.gate = Objects.requireNonNull(gate, "stageGate");
      this.gateChosen = true;
      return this;
    }

    /** Told of every rollout and toggle change. */
    public Builder rolloutListener(Consumer<RolloutEvent> listener) {
      listeners.add(Objects.requireNonNull(listener, "rolloutListener"));
      return this;
    }

    /**
     * With a {@linkplain RolloutStateStore#shared() shared} rollout state store, how often each
     * route reloads it in case a change notice was lost (default 1 s; notices usually arrive first).
     */
    public Builder followSharedStateEvery(Duration every) {
      if (every == null || every.isNegative() || every.isZero()) {
        throw new InvalidConfigurationException("followSharedStateEvery", every, "a positive duration");
      }
      this.followEvery = every;
      return this;
    }

    /** How often rollouts are evaluated; default 10 s; zero turns scheduled evaluation off. */
    public Builder evaluateRolloutsEvery(Duration every) {
      if (every == null || every.isNegative()) {
        throw new InvalidConfigurationException("evaluateRolloutsEvery", every, "zero (off) or a positive duration");
      }
      this.evaluateEvery = every;
      return this;
    }

    /**
     * Closed, in the order given, when this Sluice instance closes, after its own work has stopped:
     * for what it uses and owns, such as a shared ledger's or state store's connections.
     */
    public Builder closeWith(AutoCloseable resource) {
      closeWith.add(Objects.requireNonNull(resource, "resource"));
      return this;
    }

    /** Where budgets are counted; default an {@link InMemoryBudgetLedger} on this instance's time source. */
    public Builder ledger(BudgetLedger ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /** A cap that applies to every route, in addition to each route's own caps. */
    public Builder budget(BudgetCap cap) {
      budgetCaps.add(Objects.requireNonNull(cap, "cap"));
      return this;
    }

    public Builder route(Route route) {
      routes.add(Objects.requireNonNull(route, "route"));
      return this;
    }

    /** The clock, ticker and scheduler; default {@link TimeSource#system()}. */
    public Builder timeSource(TimeSource time) {
      this.time = Objects.requireNonNull(time, "timeSource");
      return this;
    }

    /** Where meters go; default Micrometer's global registry. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meters = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /**
     * Where the observations of calls and model requests go: with a tracing bridge (Micrometer
     * Tracing to OpenTelemetry or Brave) each becomes a span with the GenAI attributes and the
     * route, variant and version labels. Default none ({@code ObservationRegistry.NOOP}).
     */
    public Builder observationRegistry(io.micrometer.observation.ObservationRegistry registry) {
      this.observations = Objects.requireNonNull(registry, "observationRegistry");
      return this;
    }

    /** Model prices; default {@link PriceTable#bundled()}. */
    public Builder prices(PriceTable prices) {
      this.prices = Objects.requireNonNull(prices, "prices");
      return this;
    }

    /** Where audit events go; default {@link AuditSink#slf4j()}. */
    public Builder auditSink(AuditSink sink) {
      this.audit = Objects.requireNonNull(sink, "auditSink");
      return this;
    }

    /** Puts the last user message and the answer's text in audit events. Off by default. */
    public Builder auditText(boolean include) {
      this.auditText = include;
      return this;
    }

    /** Adds a step of the application's own to every route; it runs after Sluice's step of the same phase. */
    public Builder step(StepFactory factory) {
      steps.add(Objects.requireNonNull(factory, "step"));
      return this;
    }

    public Sluice build() {
      if (prices == null) {
        prices = PriceTable.bundled();
      }
      return new Sluice(this);
    }
  }
}
