package dev.sluice.judge;

import dev.sluice.outcome.Outcome;
import dev.sluice.pipeline.CallListener;
import dev.sluice.pipeline.CallRecord;
import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.StageGate;
import dev.sluice.rollout.StageKind;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the candidate with the baseline on the concurrent traffic of the current stage and
 * decides promote, hold or roll back, validly at every look:
 *
 * <ul>
 *   <li>rates (error, timeout, parse failure, guardrail block, fallback, slower than the
 *       baseline's p95): the count e-value of {@link Statistics#logRateEValue};
 *   <li>continuous (log latency, tokens, cost per call, quality): the mean-difference e-value of
 *       {@link Statistics#logMeanEValue}, relative to the baseline's mean for tokens and cost;
 *   <li>roll back as soon as a metric's e-value reaches K/α (K metrics) and its estimated
 *       worsening exceeds its margin;
 *   <li>promote only when the stage's minimum exposure is met, each arm has enough calls, and for
 *       every metric the upper confidence-sequence bound of worsening is below its margin;
 *   <li>hold on a sample-ratio mismatch (chi-square p &lt; 0.001), and otherwise.
 * </ul>
 *
 * <p>Use it as both the stage gate and a call listener; {@code Sluice.builder().judge(judge)}
 * wires both. Counting a call is a few additions under a per-route lock; the statistics run only
 * when the rollout is evaluated.
 *
 * <p><b>In a fleet</b> ({@link #shareEvidence}), each instance's judge adds what its calls showed to
 * an {@link EvidenceExchange} about once a second per route, and judges on the fleet's totals: the
 * whole fleet's calls, candidate calls counted towards a stage's minimum exposure included. Which
 * instance evaluates is the rollout state store's to say (one at a time, under a lease).
 */
public final class Judge implements StageGate, CallListener {

  private static final Logger log = LoggerFactory.getLogger(Judge.class);
  /** How often, by the calls' own clock, an instance adds its evidence to the exchange. */
  static final Duration PUBLISH_EVERY = Duration.ofSeconds(1);

  static final List<String> RATES = List.of("error_rate", "timeout_rate", "parse_failure_rate", "guardrail_block_rate",
      "fallback_rate", "slow_call_rate");
  static final List<String> CONTINUOUS = List.of("latency", "tokens", "cost", "quality");

  private final JudgeConfig config;
  private final MeterRegistry meters;
  /** Per route, one counter per decision, indexed by ordinal: made on a route's first verdict. */
  private final ConcurrentHashMap<String, Counter[]> decisions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, StageWindows> windows = new ConcurrentHashMap<>();
  private volatile @Nullable Consumer<String> lookDue;
  private volatile @Nullable EvidenceExchange evidence;
  /** Per route, this instance's evidence not yet added to the exchange. */
  private final ConcurrentHashMap<String, Outbox> outboxes = new ConcurrentHashMap<>();

  public Judge(JudgeConfig config, MeterRegistry meters) {
    this.config = config;
    this.meters = meters;
  }

  public Judge(JudgeConfig config) {
    this(config, Metrics.globalRegistry);
  }

  public JudgeConfig config() {
    return config;
  }

  /**
   * Pools this judge's evidence with the other instances' of a fleet through {@code exchange}, and
   * judges on the fleet's totals. Call it before the first call; returns this judge.
   */
  public Judge shareEvidence(EvidenceExchange exchange) {
    this.evidence = java.util.Objects.requireNonNull(exchange, "exchange");
    return this;
  }

  /** The exchange this judge shares evidence through, or null. */
  public @Nullable EvidenceExchange sharedEvidence() {
    return evidence;
  }

  /** Called with a route's name every {@link JudgeConfig#lookEvery()} candidate calls; Sluice wires it to an evaluation off the caller's path. */
  public void onLookDue(Consumer<String> trigger) {
    this.lookDue = trigger;
  }

  @Override
  public void onCall(CallRecord call) {
    if ("none".equals(call.stage())) {
      return;
    }
    Double quality = null;
    QualityScorer scorer = config.scorer();
    if (scorer != null && call.response() != null && ThreadLocalRandom.current().nextDouble() < config.scoreSampleRate()) {
      quality = scorer.score(call.request(), call.response());
    }
    // Sharing evidence, the judge reads the fleet's totals: a call goes to the outbox only, not also
    // to a local window nothing would read.
    EvidenceExchange exchange = evidence;
    long candidateCalls = exchange != null ? toOutbox(exchange, call, quality)
        : windows.computeIfAbsent(call.route(), k -> new StageWindows()).forCall(call.stage()).add(call, quality);
    Consumer<String> trigger = lookDue;
    if (trigger != null && call.candidate() && candidateCalls % config.lookEvery() == 0) {
      trigger.accept(call.route());
    }
  }

  /** Feeds the window directly (the simulator does; live traffic comes through {@link #onCall}). */
  public void observe(String route, String stage, boolean candidate, Outcome outcome, @Nullable String errorKind,
      double latencySeconds, long tokens, double costUsd, @Nullable String fallbackKind, @Nullable Double quality) {
    Window w = windows.computeIfAbsent(route, k -> new StageWindows()).forCall(stage);
    w.add(candidate, outcome, errorKind, latencySeconds, tokens, costUsd, fallbackKind, quality);
  }

  /**
   * Adds a call to the route's outbox and sends the outbox when a second has passed since it was
   * last sent. The calls this instance has seen in the call's arm at the stage (for the looks).
   */
  private long toOutbox(EvidenceExchange exchange, CallRecord call, @Nullable Double quality) {
    Outbox o = outboxes.computeIfAbsent(call.route(), k -> new Outbox(call.stage(), call.at()));
    synchronized (o) {
      if (!o.delta.stage.equals(call.stage())) {
        send(exchange, call.route(), o); // the previous stage's last evidence, to its own totals
        o.delta = new Window(call.stage());
        o.seen[0] = 0;
        o.seen[1] = 0;
      }
      o.delta.add(call, quality);
      long seen = ++o.seen[call.candidate() ? 1 : 0];
      if (!call.at().isBefore(o.nextSend)) {
        o.nextSend = call.at().plus(PUBLISH_EVERY);
        send(exchange, call.route(), o);
      }
      return seen;
    }
  }

  /** Sends the outbox's evidence (and any that failed before); on failure it is kept for the next send. Under the outbox's lock. */
  private static java.util.concurrent.CompletionStage<Void> send(EvidenceExchange exchange, String route, Outbox o) {
    Map<String, Double> amounts = new HashMap<>(o.failed);
    o.failed.clear();
    synchronized (o.delta) {
      o.delta.cand.exportTo(amounts, "c.");
      o.delta.base.exportTo(amounts, "b.");
    }
    String stage = o.delta.stage;
    o.delta = new Window(stage);
    if (amounts.isEmpty()) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    java.util.concurrent.CompletionStage<Void> sent;
    try {
      sent = exchange.add(route, stage, amounts);
    } catch (RuntimeException e) {
      sent = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    return sent.whenComplete((v, failure) -> {
      if (failure != null) {
        synchronized (o) {
          if (o.delta.stage.equals(stage)) {
            amounts.forEach((k, x) -> o.failed.merge(k, x, Double::sum));
          }
        }
        log.debug("route {}: judge evidence not added to the fleet's yet ({}); kept for the next send", route, failure.toString());
      }
    });
  }

  /**
   * Candidate calls at the stage: in a fleet, every instance's (this one's sent first), so that a
   * stage's minimum exposure counts the fleet's calls.
   */
  @Override
  public long candidateCalls(String route, String stage, long counted) {
    if (evidence == null) {
      return counted;
    }
    Window w = fleetWindow(route, stage);
    return w == null ? counted : Math.max(counted, w.cand.calls);
  }

  /** The fleet's window for a route's stage, this instance's outbox sent first; null if the exchange cannot be read. */
  private @Nullable Window fleetWindow(String route, String stage) {
    EvidenceExchange exchange = java.util.Objects.requireNonNull(evidence);
    Outbox o = outboxes.get(route);
    if (o != null) {
      java.util.concurrent.CompletionStage<Void> sent;
      synchronized (o) {
        sent = send(exchange, route, o);
      }
      try {
        sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.debug("route {}: this instance's latest evidence could not be added before judging", route, e);
      }
    }
    Map<String, Double> totals;
    try {
      totals = exchange.totals(route, stage);
    } catch (RuntimeException e) {
      log.warn("route {}: the fleet's judge evidence could not be read; holding", route, e);
      return null;
    }
    Window w = new Window(stage);
    w.cand.addFrom(totals, "c.");
    w.base.addFrom(totals, "b.");
    return w;
  }

  @Override
  public Verdict decide(StageProgress p) {
    Verdict v = judge(p);
    decisions.computeIfAbsent(p.route(), this::decisionCounters)[v.decision().ordinal()].increment();
    return v;
  }

  private Counter[] decisionCounters(String route) {
    Verdict.Decision[] all = Verdict.Decision.values();
    Counter[] counters = new Counter[all.length];
    for (Verdict.Decision d : all) {
      counters[d.ordinal()] = Counter.builder("sluice.rollout.decisions").description("Judge verdicts by decision")
          .tag("route", route).tag("decision", d.name().toLowerCase(Locale.ROOT)).register(meters);
    }
    return counters;
  }

  /** The verdict without counting it in the decisions meter (the simulator calls this). */
  public Verdict judge(StageProgress p) {
    if (!p.stage().isLive()) {
      // No live candidate traffic to compare (offline gate, shadow): the stage's exposure decides.
      return StageGate.EXPOSURE.decide(p);
    }
    Window w;
    if (evidence != null) {
      w = fleetWindow(p.route(), p.stage().name());
      if (w == null) {
        return Verdict.hold("the fleet's evidence could not be read");
      }
      if (w.cand.calls + w.base.calls == 0) {
        return Verdict.hold("no calls observed at stage " + p.stage().name() + " in the fleet yet");
      }
    } else {
      StageWindows sw = windows.get(p.route());
      w = sw == null ? null : sw.current;
      if (w == null || !w.stage.equals(p.stage().name())) {
        return Verdict.hold("no calls observed at stage " + p.stage().name() + " yet");
      }
    }
    Map<String, Double> margins = new LinkedHashMap<>(config.defaultMargins());
    for (MetricMargin m : p.plan().margins()) {
      margins.put(m.metric(), m.margin());
    }
    if (config.scorer() == null && w.cand.quality.n == 0) {
      margins.remove("quality");
    }
    List<Assessment> results;
    // A sample-ratio mismatch holds promotion only: a regression rolls back whatever the share.
    Verdict mismatch = null;
    synchronized (w) {
      results = assess(w, margins);
      if (w.cand.calls == 0 || w.base.calls == 0) {
        return Verdict.hold("waiting for calls in both arms: candidate " + w.cand.calls + ", baseline " + w.base.calls);
      }
      if ((p.stage().kind() == StageKind.CANARY || p.stage().kind() == StageKind.PERCENT) && shareIsThePercent(p)
          && p.expectedPercent() > 0 && p.expectedPercent() < 100) {
        // The share expected is the operator's override when one is set: overriding is not a mismatch.
        double expected = p.expectedPercent() / 100;
        double chi2 = Statistics.chiSquare(w.cand.calls, w.base.calls, expected);
        double observed = (double) w.cand.calls / (w.cand.calls + w.base.calls);
        double relative = Math.abs(observed - expected) / expected;
        // Assignment is sticky per subject, so calls cluster by subject and a call-level chi-square
        // overstates significance: also require the share to be off by a fifth of itself.
        if (chi2 > Statistics.CHI2_P001 && relative > 0.2 && w.cand.calls + w.base.calls >= 1000) {
          mismatch = new Verdict(Verdict.Decision.HOLD, String.format(Locale.ROOT,
              "sample ratio mismatch: candidate has %.2f%% of calls, expected %.2f%% (chi-square %.1f)",
              100.0 * w.cand.calls / (w.cand.calls + w.base.calls), p.expectedPercent(), chi2), Map.of("chi_square", chi2));
        }
      }
    }
    // Metrics with no observation at all cannot give evidence; they do not dilute the others.
    double k = Math.max(1, results.stream().filter(a -> a.informative).count());
    double threshold = Math.log(k / config.alpha());
    for (Assessment a : results) {
      if (a.logE >= threshold && a.estimate > a.margin) {
        return new Verdict(Verdict.Decision.ROLLBACK, a.describe("regression"), a.evidence(k, config.alpha()));
      }
    }
    if (mismatch != null) {
      return mismatch;
    }
    if (!p.exposureMet()) {
      return Verdict.hold("waiting for minimum exposure: " + p.candidateCalls() + "/" + p.stage().minCandidateCalls() + " calls, "
          + p.elapsed() + "/" + p.stage().minDuration());
    }
    if (w.cand.calls < config.minCallsPerArm() || w.base.calls < config.minCallsPerArm()) {
      return Verdict.hold("waiting for " + config.minCallsPerArm() + " calls in each arm: candidate " + w.cand.calls
          + ", baseline " + w.base.calls);
    }
    for (Assessment a : results) {
      if (!(a.upper < a.margin)) {
        return new Verdict(Verdict.Decision.HOLD, a.describe("not yet shown within margin"), a.evidence(k, config.alpha()));
      }
    }
    Map<String, Object> all = new LinkedHashMap<>();
    for (Assessment a : results) {
      all.put(a.metric, Map.of("estimate", a.estimate, "upper_bound", a.upper, "margin", a.margin));
    }
    return new Verdict(Verdict.Decision.PROMOTE, "every metric's worsening is bounded below its margin over "
        + w.cand.calls + " candidate and " + w.base.calls + " baseline calls", all);
  }

  /** Only when nothing but the percentage assigns subjects is the candidate's share expected to be it. */
  private static boolean shareIsThePercent(StageProgress p) {
    if (!p.plan().allow().isEmpty() || p.plan().eligibility() != null) {
      return false;
    }
    for (int i = 0; i <= p.stageIndex(); i++) {
      if (p.plan().stage(i).kind() == StageKind.COHORT) {
        return false;
      }
    }
    return true;
  }

  private List<Assessment> assess(Window w, Map<String, Double> margins) {
    double alphaEach = config.alpha() / margins.size();
    double rho = Statistics.rho(alphaEach, config.n0());
    Arm c = w.cand;
    Arm b = w.base;
    double pi = (double) c.calls / (c.calls + b.calls);
    double baseP95 = b.latencyQuantile(0.95);
    List<Assessment> out = new ArrayList<>();
    for (Map.Entry<String, Double> m : margins.entrySet()) {
      String metric = m.getKey();
      double margin = m.getValue();
      switch (metric) {
        case "error_rate" -> out.add(rate(metric, c.errors, c.calls, b.errors, b.calls, pi, margin, rho, alphaEach));
        case "timeout_rate" -> out.add(rate(metric, c.timeouts, c.calls, b.timeouts, b.calls, pi, margin, rho, alphaEach));
        case "parse_failure_rate" -> out.add(rate(metric, c.parseFailures, c.calls, b.parseFailures, b.calls, pi, margin, rho, alphaEach));
        case "guardrail_block_rate" -> out.add(rate(metric, c.guardrailBlocks, c.calls, b.guardrailBlocks, b.calls, pi, margin, rho, alphaEach));
        case "fallback_rate" -> out.add(rate(metric, c.fallbacks, c.calls, b.fallbacks, b.calls, pi, margin, rho, alphaEach));
        case "slow_call_rate" -> out.add(Double.isNaN(baseP95) ? tooFew(metric, margin)
            : rate(metric, c.slowerThan(baseP95), c.calls, b.slowerThan(baseP95), b.calls, pi, margin, rho, alphaEach));
        case "latency" -> out.add(mean(metric, c.logLatency, b.logLatency, false, margin, rho, alphaEach, true));
        case "time_to_first_chunk" -> out.add(mean(metric, c.logFirstChunk, b.logFirstChunk, false, margin, rho, alphaEach, true));
        case "tokens" -> out.add(mean(metric, c.tokens, b.tokens, true, margin, rho, alphaEach, true));
        // Too few observations (one quality score, unknown cost on every call) cannot show the
        // metric within its margin: it holds promotion (mean() says so), it is never skipped.
        case "cost" -> out.add(mean(metric, c.cost, b.cost, true, margin, rho, alphaEach, true));
        case "quality" -> out.add(mean(metric, c.quality, b.quality, false, margin, rho, alphaEach, false));
        default -> { }
      }
    }
    return out;
  }

  /** A metric that cannot be assessed yet: no evidence either way, and not within its margin. */
  private static Assessment tooFew(String metric, double margin) {
    return new Assessment(metric, 0, Double.POSITIVE_INFINITY, margin, 0, "", "too few observations", false);
  }

  private Assessment rate(String metric, long xc, long nc, long xb, long nb, double pi, double marginPp, double rho, double alpha) {
    double pc = nc == 0 ? 0 : (double) xc / nc;
    double pb = nb == 0 ? 0 : (double) xb / nb;
    double diff = pc - pb;
    // Smoothed variances so that zero counts do not claim certainty.
    double vc = (xc + 0.5) / (nc + 1.0) * (1 - (xc + 0.5) / (nc + 1.0));
    double vb = (xb + 0.5) / (nb + 1.0) * (1 - (xb + 0.5) / (nb + 1.0));
    double se = Math.sqrt(vc / Math.max(1, nc) + vb / Math.max(1, nb));
    double n = Statistics.effectiveN(nc, nb);
    double upper = diff + Statistics.csRadius(se, n, rho, alpha);
    double logE = diff > 0 ? Statistics.logRateEValue(xc, xb, pi, config.priorStrength()) : 0;
    return new Assessment(metric, diff * 100, upper * 100, marginPp, logE, "pp",
        String.format(Locale.ROOT, "candidate %.2f%% vs baseline %.2f%%", 100 * pc, 100 * pb), xc + xb > 0);
  }

  /**
   * A mean comparison. {@code relative}: tokens and cost are compared as (candidate − baseline) /
   * baseline; log latency's difference is already relative. {@code higherIsWorse} false for quality.
   */
  private Assessment mean(String metric, Arm.Moments c, Arm.Moments b, boolean relative, double margin, double rho, double alpha,
      boolean higherIsWorse) {
    if (c.n < 2 || b.n < 2) {
      return tooFew(metric, margin);
    }
    double scale = relative ? Math.max(1e-12, Math.abs(b.mean)) : 1;
    double d = (c.mean - b.mean) / scale;
    double se = Math.sqrt(c.variance() / c.n + b.variance() / b.n) / scale;
    double worsening = higherIsWorse ? d : -d;
    boolean logScale = metric.equals("latency") || metric.equals("time_to_first_chunk");
    if (logScale) {
      worsening = Math.expm1(worsening); // log-latency difference -> relative change of the geometric mean
    }
    double n = Statistics.effectiveN(c.n, b.n);
    double radius = Statistics.csRadius(se, n, rho, alpha);
    double upper = logScale ? Math.expm1((higherIsWorse ? d : -d) + radius) : worsening + radius;
    double logE = worsening > 0 ? Statistics.logMeanEValue(d, se, n, rho) : 0;
    String unit = metric.equals("quality") ? "" : "relative";
    return new Assessment(metric, worsening, upper, margin, logE, unit,
        String.format(Locale.ROOT, "candidate mean %.4g vs baseline %.4g", c.mean, b.mean), true);
  }

  /** One metric's estimate of worsening, its upper bound, margin and log e-value. */
  private record Assessment(String metric, double estimate, double upper, double margin, double logE, String unit, String detail,
      boolean informative) {
    String describe(String what) {
      return String.format(Locale.ROOT, "%s %s: worsening %+.3g%s (upper bound %+.3g) vs margin %.3g; e-value %.3g; %s",
          metric, what, estimate, unit.equals("pp") ? " pp" : "", upper, margin, Math.exp(Math.min(logE, 700)), detail);
    }

    Map<String, Object> evidence(double k, double alpha) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("metric", metric);
      e.put("estimate", estimate);
      e.put("upper_bound", upper);
      e.put("margin", margin);
      e.put("e_value", Math.exp(Math.min(logE, 700)));
      e.put("threshold", k / alpha);
      return e;
    }
  }

  /**
   * A route's window for its current stage, and the one for the stage before: a call that finishes
   * late under the previous stage is counted there, instead of replacing the current window (which
   * would throw away the evidence of the stage being judged).
   */
  private static final class StageWindows {
    volatile @Nullable Window current;
    @Nullable Window previous;

    synchronized Window forCall(String stage) {
      Window c = current;
      if (c != null && c.stage.equals(stage)) {
        return c;
      }
      Window p = previous;
      if (p != null && p.stage.equals(stage)) {
        return p;
      }
      previous = c;
      Window fresh = new Window(stage);
      current = fresh;
      return fresh;
    }
  }

  /** A route's evidence not yet added to the exchange, and when it is next sent (by the calls' clock). */
  private static final class Outbox {
    Window delta;
    Instant nextSend;
    /** Calls seen at the stage by this instance: baseline, candidate. */
    final long[] seen = new long[2];
    final Map<String, Double> failed = new HashMap<>();

    Outbox(String stage, Instant at) {
      this.delta = new Window(stage);
      this.nextSend = at.plus(PUBLISH_EVERY);
    }
  }

  /** One route's observations at one stage. */
  private static final class Window {
    final String stage;
    final Arm cand = new Arm();
    final Arm base = new Arm();

    Window(String stage) {
      this.stage = stage;
    }

    long add(CallRecord r, @Nullable Double quality) {
      if (r.firstChunkNanos() > 0) {
        synchronized (this) {
          (r.candidate() ? cand : base).logFirstChunk.add(Math.log(r.firstChunkNanos() / 1e9));
        }
      }
      return add(r.candidate(), r.outcome(), r.errorKind(), r.latencyNanos() / 1e9, r.tokens(), r.costUsd(), r.fallbackKind(), quality);
    }

    synchronized long add(boolean candidate, Outcome outcome, @Nullable String errorKind, double latencySeconds, long tokens,
        double costUsd, @Nullable String fallbackKind, @Nullable Double quality) {
      Arm a = candidate ? cand : base;
      a.calls++;
      // A call its own breaker refused failed as surely as one the provider refused.
      if (outcome == Outcome.ERROR || outcome == Outcome.CIRCUIT_OPEN) a.errors++;
      if (outcome == Outcome.TIMEOUT) a.timeouts++;
      if ("bad_output".equals(errorKind)) a.parseFailures++;
      if (outcome == Outcome.GUARDRAIL_BLOCKED) a.guardrailBlocks++;
      if (outcome == Outcome.FALLBACK || fallbackKind != null) a.fallbacks++;
      if (latencySeconds > 0) {
        a.logLatency.add(Math.log(latencySeconds));
        a.addLatency(latencySeconds);
      }
      a.tokens.add(tokens);
      if (!Double.isNaN(costUsd)) a.cost.add(costUsd);
      if (quality != null) a.quality.add(quality);
      return a.calls;
    }
  }
}
