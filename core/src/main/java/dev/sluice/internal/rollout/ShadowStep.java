package dev.sluice.internal.rollout;

import org.jspecify.annotations.Nullable;
import java.util.Objects;
import dev.sluice.Route;
import dev.sluice.release.Variant;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetLedger;
import dev.sluice.budget.BudgetUnit;
import dev.sluice.budget.ReserveResult;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.internal.StateChain;
import dev.sluice.internal.CallState;
import dev.sluice.internal.StateStep;
import dev.sluice.pricing.Cost;
import dev.sluice.pricing.PriceTable;
import dev.sluice.rollout.Assignment;
import dev.sluice.RolloutControl;
import dev.sluice.rollout.ShadowComparison;
import dev.sluice.rollout.ShadowPolicy;
import dev.sluice.rollout.Stage;
import dev.sluice.time.TimeSource;
import dev.sluice.tokens.TokenCounter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * On a sampled share of baseline calls during a shadow stage, also runs the candidate (or, for a
 * share, the baseline again, to measure noise) off the caller's path, and compares its answer with
 * the one the caller got. The caller pays one queue offer: the shadow has its own launcher
 * ({@link ShadowLauncher}), its own concurrency cap and optionally its own budget; a full queue
 * drops the run, a failing or slow shadow call is counted and forgotten.
 */
public final class ShadowStep implements StateStep {

  private final Route route;
  private final RolloutControl control;
  private final ShadowPolicy policy;
  private final TimeSource time;
  private final BudgetLedger ledger;
  private final PriceTable prices;
  private final Semaphore inFlight;
  private final MeterRegistry meters;
  private final ShadowLauncher launcher;
  /** Made on a route's first shadow run of each kind (most routes never shadow), then looked up. */
  private final ConcurrentHashMap<String, Counter> runs = new ConcurrentHashMap<>();
  /** Baseline calls eligible for a shadow run, and those sampled (for the noise share). */
  private final AtomicLong eligible = new AtomicLong();
  private final AtomicLong sampled = new AtomicLong();
  private final ConcurrentHashMap<String, DistributionSummary> similarities = new ConcurrentHashMap<>();

  public ShadowStep(Route route, RolloutControl control, ShadowPolicy policy, ShadowLauncher launcher, TimeSource time,
      BudgetLedger ledger, PriceTable prices, MeterRegistry meters) {
    this.launcher = launcher;
    this.route = route;
    this.control = control;
    this.policy = policy;
    this.time = time;
    this.ledger = ledger;
    this.prices = prices;
    this.meters = meters;
    this.inFlight = new Semaphore(policy.maxConcurrent());
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    Stage stage = control.stage();
    Assignment a = call.get(AssignmentStep.ASSIGNMENT);
    if (stage == null || stage.shadowSampleRate() == 0 || a == null || a.candidate() || control.state().rolledBack()
        || !systematic(eligible, stage.shadowSampleRate())) {
      return next.proceed(call);
    }
    CompletionStage<ChatResponse> served = next.proceed(call);
    ChatRequest request = call.request();
    boolean noise = systematic(sampled, policy.noiseShare());
    served.thenAccept(answer -> offer(request, answer, noise, stage.name()));
    return served;
  }

  /**
   * Systematic sampling: the n-th of the counted calls is taken when {@code floor((n + 1) rate)} passes
   * {@code floor(n rate)}, so exactly the rate's share is taken, in call order — the same calls give
   * the same shadow runs (a seeded simulation stays reproducible), with no random draw per call.
   */
  private static boolean systematic(AtomicLong counter, double rate) {
    long n = counter.getAndIncrement();
    return Math.floor((n + 1) * rate) > Math.floor(n * rate);
  }

  private void offer(ChatRequest request, ChatResponse served, boolean noise, String stage) {
    if (!inFlight.tryAcquire()) {
      control.shadowStats().recordDropped();
      count("dropped", noise);
      return;
    }
    try {
      launcher.execute(() -> run(request, served, noise, stage));
    } catch (RejectedExecutionException full) {
      inFlight.release();
      control.shadowStats().recordDropped();
      count("dropped", noise);
    }
  }

  private void run(ChatRequest request, ChatResponse served, boolean noise, String stage) {
    Variant variant = noise ? route.baseline() : route.candidate().orElseThrow();
    ChatRequest prepared = variant.prepare(request);
    BudgetLedger.Line line = budgetLine(variant, prepared);
    ReserveResult reservation = line == null ? null : ledger.reserve(List.of(line));
    if (reservation != null && !reservation.isGranted()) {
      inFlight.release();
      control.shadowStats().recordOverBudget();
      count("over_budget", noise);
      return;
    }
    CompletableFuture<ChatResponse> answer;
    long started = time.nanoTime();
    try {
      answer = variant.client().chatAsync(prepared).toCompletableFuture();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<ChatResponse> call = answer;
    TimeSource.Scheduled timeout = time.schedule(policy.timeout(), () -> call.cancel(true));
    call.whenComplete((r, e) -> {
      timeout.cancel();
      inFlight.release();
      if (reservation != null && line != null) {
        ledger.settle(reservation.reservation(), new long[] {actual(variant, r, line)});
      }
      if (e != null) {
        control.shadowStats().recordFailure();
        count("error", noise);
        return;
      }
      ShadowComparison c = ShadowComparison.of(served.text(), r.text());
      control.shadowStats().record(noise, c);
      control.shadowStats().recordCost(noise, (time.nanoTime() - started) / 1e9, prices.cost(variant.model(), r.usage()).usdOrNaN(),
          prices.cost(route.baseline().model(), served.usage()).usdOrNaN());
      if (!noise) {
        control.countShadowRun();
      }
      count("success", noise);
      similarity(stage, noise).record(c.similarity());
    });
  }

  private BudgetLedger.@Nullable Line budgetLine(Variant variant, ChatRequest prepared) {
    BudgetCap cap = policy.budget();
    if (cap == null) {
      return null;
    }
    long input = TokenCounter.shared().countInput(variant.model(), prepared.messages());
    Integer max = prepared.parameters().maxOutputTokens();
    long output = max != null ? max : 4096;
    long amount = cap.unit() == BudgetUnit.TOKENS ? input + output
        : prices.price(variant.model()).map(p -> p.worstCase(input, output).nanoUsd()).orElse(cap.limit() + 1);
    Instant now = time.now();
    return new BudgetLedger.Line("shadow|" + cap.id() + "|" + route.name() + "|" + cap.period().start(now, java.time.ZoneOffset.UTC),
        amount, cap.limit(), cap.period().end(now, java.time.ZoneOffset.UTC));
  }

  private long actual(Variant variant, ChatResponse r, BudgetLedger.Line line) {
    if (r == null) {
      return 0;
    }
    if (Objects.requireNonNull(policy.budget()).unit() == BudgetUnit.TOKENS) {
      return r.usage().totalTokens();
    }
    Cost c = prices.cost(variant.model(), r.usage());
    return c.isKnown() ? c.nanoUsd() : line.amount();
  }

  private void count(String outcome, boolean noise) {
    runs.computeIfAbsent(outcome + (noise ? "|noise" : "|candidate"), k ->
        Counter.builder("sluice.shadow.runs").description("Shadow runs by outcome")
            .tag("route", route.name()).tag("comparison", noise ? "noise" : "candidate").tag("outcome", outcome)
            .register(meters)).increment();
  }

  private DistributionSummary similarity(String stage, boolean noise) {
    return similarities.computeIfAbsent(stage + (noise ? "|noise" : "|candidate"), k ->
        DistributionSummary.builder("sluice.shadow.similarity").description("Similarity of shadow answers to served answers, 0 to 1")
            .tag("route", route.name()).tag("stage", stage).tag("comparison", noise ? "noise" : "candidate").register(meters));
  }
}
