package dev.sluice.judge;

import dev.sluice.outcome.Outcome;
import dev.sluice.rollout.Bucketing;
import dev.sluice.pipeline.CallListener;
import dev.sluice.pipeline.CallRecord;
import dev.sluice.rollout.Assignment;
import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Segments;
import dev.sluice.rollout.StageGate;
import dev.sluice.rollout.StageKind;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Compares the candidate with the baseline on concurrent traffic and decides promote, hold or roll
 * back, validly at every look (see docs/JUDGE.md for the reasoning and the measured rates):
 *
 * <ul>
 *   <li>each metric's worsening (a rate's difference in percentage points, log latency's
 *       difference, tokens' and cost's relative difference, quality's decrease) is estimated on
 *       every live stage of the rollout so far, each stage comparing its own two arms, and pooled
 *       across the stages by inverse variance: evidence is carried from stage to stage;
 *   <li>variances are taken at the unit of assignment: calls are grouped by a hash of their
 *       subject ({@link #subjectGroup}), and the larger of the per-call and the between-group
 *       variance is used, so sticky subjects who always fail count as one unit each;
 *   <li>bounds are normal-mixture confidence sequences ({@link Statistics#radius}), valid however
 *       often the judge looks;
 *   <li><b>roll back</b> when a metric's worsening is shown to exceed its margin: its lower bound,
 *       at α shared by the metrics that saw anything, is above the margin (whatever the share of
 *       traffic);
 *   <li><b>promote</b> when every metric's worsening is shown to be within its margin: every upper
 *       bound, at the promotion α, is below it; and the stage's minimum exposure is met, each arm
 *       has enough calls, and the candidate's share of calls is the expected one;
 *   <li>otherwise hold.
 * </ul>
 *
 * <p>At a shadow stage the candidate's shadow answers must be shown to differ from the served ones
 * no more often than the baseline's own do, within {@code shadow_difference_rate} (see
 * {@code ShadowGate}).
 *
 * <p>Beside the statistics, the plan's rollback triggers ({@link dev.sluice.rollout.GuardRule}, e.g.
 * {@code error_rate > 2% for 5m}) are checked first on the current stage's calls: a rule broken for
 * its duration rolls back, naming the rule.
 *
 * <p>Use it as both the stage gate and a call listener; {@code Sluice.builder().judge(judge)}
 * wires both. Counting a call is a few additions under a per-stage lock; the statistics run only
 * when the rollout is evaluated.
 *
 * <p><b>In a fleet</b> ({@link #shareEvidence}), each instance's judge adds what its calls showed to
 * an {@link EvidenceExchange} about once a second per route, and judges on the fleet's totals: the
 * whole fleet's calls, candidate calls counted towards a stage's minimum exposure included. Which
 * instance evaluates is the rollout state store's to say (one at a time, under a lease).
 */
public final class Judge implements StageGate, CallListener {

  private final JudgeConfig config;
  private final MeterRegistry meters;
  /** Per route, one counter per decision, indexed by ordinal: made on a route's first verdict. */
  private final ConcurrentHashMap<String, Counter[]> decisions = new ConcurrentHashMap<>();
  /** Per route, a window per stage its calls reported (bounded by the plan's stages). */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, StageWindow>> windows = new ConcurrentHashMap<>();
  private volatile @Nullable Consumer<String> lookDue;
  /** This instance's evidence on its way to the fleet's exchange, and the fleet's read back; null alone. */
  private volatile @Nullable FleetEvidence fleet;
  private final Guards guards = new Guards();
  private final ChangeDetector changes = new ChangeDetector();
  /** Per route, the scope of its current rollout's evidence (see {@link #judgeRollout}). */
  private final ConcurrentHashMap<String, String> scopes = new ConcurrentHashMap<>();
  /** Calls feedback can still be recorded for. */
  private final FeedbackBook feedbackBook = new FeedbackBook(FEEDBACK_CALLS, FEEDBACK_WINDOW);

  /** How many recent calls {@link #feedback} can find (the oldest are forgotten first). */
  public static final int FEEDBACK_CALLS = 100_000;
  /** How late, by the calls' clock, feedback can arrive after its call. */
  public static final Duration FEEDBACK_WINDOW = Duration.ofHours(1);

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
    this.fleet = new FleetEvidence(java.util.Objects.requireNonNull(exchange, "exchange"));
    return this;
  }

  /** The exchange this judge shares evidence through, or null. */
  public @Nullable EvidenceExchange sharedEvidence() {
    FleetEvidence f = fleet;
    return f == null ? null : f.exchange();
  }

  /**
   * Keeps this rollout's evidence apart from the earlier rollouts' of its route, in memory and in a
   * fleet's exchange: from now on the route's calls are judged under a scope named by the plan's
   * salt. A new candidate (whose default salt is new) starts from nothing, while a restarted
   * instance of the same rollout finds its fleet's evidence again. Sluice calls it for every route
   * with a plan; a judge used on its own keeps one scope per route. Returns this judge.
   */
  public Judge judgeRollout(RolloutPlan plan) {
    scopes.put(plan.route(), evidenceScope(plan));
    return this;
  }

  /**
   * What the evidence of a rollout is kept under, in place of the route's name, in an
   * {@link EvidenceExchange}: the route and a hash of the plan's salt, e.g. {@code support/5f3a9c21}.
   */
  public static String evidenceScope(RolloutPlan plan) {
    return plan.route() + "/" + Integer.toHexString(plan.salt().hashCode());
  }

  /** The route's evidence scope: its current rollout's (see {@link #judgeRollout}), or the route's name. */
  private String scope(String route) {
    return scopes.getOrDefault(route, route);
  }

  /** Called with a route's name every {@link JudgeConfig#lookEvery()} candidate calls; Sluice wires it to an evaluation off the caller's path. */
  public void onLookDue(Consumer<String> trigger) {
    this.lookDue = trigger;
  }

  @Override
  public void onCall(CallRecord call) {
    // Only random assignments are compared: a pinned, allow-listed or ineligible subject is not like the others.
    if ("none".equals(call.stage()) || !Assignment.randomized(call.assignment())) {
      return;
    }
    String key = StageWindow.keyOf(call.stage(), call.assignment(), call.segment());
    String scope = scope(call.route());
    feedbackBook.put(call.callId(), new FeedbackBook.Called(scope, key, call.candidate(), call.subjectGroup(), call.at()));
    Double quality = null;
    QualityScorer scorer = config.scorer();
    if (scorer != null && call.response() != null && ThreadLocalRandom.current().nextDouble() < config.scoreSampleRate()) {
      quality = scorer.score(call.request(), call.response());
    }
    // Sharing evidence, the judge reads the fleet's totals: a call goes to the outbox only, not also
    // to a local window nothing would read.
    FleetEvidence f = fleet;
    long candidateCalls = f != null ? f.add(scope, call, key, quality) : window(scope, key).add(call, quality);
    Consumer<String> trigger = lookDue;
    if (trigger != null && call.candidate() && candidateCalls % config.lookEvery() == 0) {
      trigger.accept(call.route());
    }
  }

  /**
   * Records feedback on a finished call that arrived later — a thumbs up (1) or down (0), a task's
   * success, a grader's score, 1 minus an edit distance — as a quality observation of the call's
   * route, stage and arm (its subject's group too), so the plan's {@code quality} margin judges it.
   * Scores are on the quality scale: higher is better, typically 0 to 1. Works for the
   * {@link #FEEDBACK_CALLS} most recent calls up to {@link #FEEDBACK_WINDOW} after them; in a
   * fleet, the instance that served the call must record it. Whether the call was found.
   *
   * @throws IllegalArgumentException when the score is not a finite number
   */
  public boolean feedback(String callId, double score) {
    if (!Double.isFinite(score)) {
      throw new IllegalArgumentException("feedback score for call " + callId + " is " + score + "; expected a finite number, e.g. 0 or 1");
    }
    FeedbackBook.Called c = feedbackBook.get(java.util.Objects.requireNonNull(callId, "callId"));
    if (c == null) {
      return false;
    }
    FleetEvidence f = fleet;
    if (f == null) {
      window(c.route(), c.window()).addQuality(c.candidate(), score, c.subjectGroup());
    } else {
      f.addQuality(c.route(), c.window(), c.candidate(), score, c.subjectGroup(), c.at());
    }
    return true;
  }

  /** Feeds the window directly (the simulator does; live traffic comes through {@link #onCall}), for a call without a subject group. */
  public void observe(String route, String stage, boolean candidate, Outcome outcome, @Nullable String errorKind,
      double latencySeconds, long tokens, double costUsd, @Nullable String fallbackKind, @Nullable Double quality) {
    observe(route, stage, candidate, outcome, errorKind, latencySeconds, tokens, costUsd, fallbackKind, quality, -1);
  }

  /** Feeds the window directly, for a call of the subject group {@code subjectGroup} ({@link #subjectGroup} of its key). */
  public void observe(String route, String stage, boolean candidate, Outcome outcome, @Nullable String errorKind,
      double latencySeconds, long tokens, double costUsd, @Nullable String fallbackKind, @Nullable Double quality, int subjectGroup) {
    window(route, stage).add(candidate, StageWindow.events(outcome, errorKind, fallbackKind, false, false), latencySeconds, tokens, costUsd,
        quality, subjectGroup);
  }

  /**
   * Feeds the window directly, for a call assigned as {@code assignment} says (its stage, arm,
   * reason and segment: a cohort's calls are compared with its holdback, each segment also on its
   * own); a call whose assignment was not random (pinned, allow-listed, ineligible) is not counted.
   */
  public void observe(String route, Assignment assignment, Outcome outcome, double latencySeconds, long tokens, double costUsd,
      @Nullable Double quality, int subjectGroup) {
    if (!Assignment.randomized(assignment.reason())) {
      return;
    }
    window(route, StageWindow.keyOf(assignment.stage(), assignment.reason(), assignment.segment()))
        .add(assignment.candidate(), StageWindow.events(outcome, null, null, false, false), latencySeconds, tokens, costUsd, quality,
            subjectGroup);
  }

  /**
   * The judge's group for a subject's routing key: one of 64, from a hash of the key, so that every
   * call of a subject is in the same group and no subject is kept. Calls of a group are treated as
   * possibly alike when variances are estimated.
   */
  public static int subjectGroup(String routingKey) {
    return Bucketing.bucket("sluice-judge", routingKey) % Arm.GROUPS;
  }

  private StageWindow window(String route, String key) {
    return windows.computeIfAbsent(route, k -> new ConcurrentHashMap<>()).computeIfAbsent(key, StageWindow::new);
  }

  /**
   * Candidate calls at the stage: in a fleet, every instance's (this one's sent first), so that a
   * stage's minimum exposure counts the fleet's calls.
   */
  @Override
  public long candidateCalls(RolloutPlan plan, String stage, long counted) {
    FleetEvidence f = fleet;
    if (f == null) {
      return counted;
    }
    List<StageWindow> w = f.read(scope(plan.route()), StageWindow.keys(stage, plan.segments()));
    if (w == null) {
      return counted;
    }
    long fleet = 0;
    for (StageWindow x : w) {
      fleet += x.cand.calls;
    }
    return Math.max(counted, fleet);
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
    // The plan's metrics in its order, then the defaults by name: the same verdict reads the same every run.
    Map<String, Double> margins = new LinkedHashMap<>();
    for (MetricMargin m : p.plan().margins()) {
      margins.put(m.metric(), m.margin());
    }
    new java.util.TreeMap<>(config.defaultMargins()).forEach(margins::putIfAbsent);
    if (p.stage().kind() == StageKind.SHADOW) {
      return ShadowGate.decide(p, config.promotionAlpha(), config.alpha(), margins);
    }
    if (!p.stage().isLive()) {
      // No candidate traffic to compare (the offline gate): its recorded report decides.
      return StageGate.EXPOSURE.decide(p);
    }
    // The rollout's live stages so far, oldest first; the current one last.
    List<String> stages = new ArrayList<>();
    for (int i = 0; i <= p.stageIndex(); i++) {
      if (p.plan().stage(i).isLive()) {
        stages.add(p.plan().stage(i).name());
      }
    }
    Segments segments = p.plan().segments();
    List<String> keys = new ArrayList<>();
    for (String stage : stages) {
      keys.addAll(StageWindow.keys(stage, segments));
    }
    Map<String, StageWindow> read = new HashMap<>();
    FleetEvidence f = fleet;
    if (f != null) {
      List<StageWindow> ws = f.read(scope(p.route()), keys);
      if (ws == null) {
        return Verdict.hold("the fleet's evidence could not be read");
      }
      ws.stream().filter(w -> !w.isEmpty()).forEach(w -> read.put(w.key, w));
    } else {
      Map<String, StageWindow> byKey = windows.getOrDefault(scope(p.route()), new ConcurrentHashMap<>());
      for (String key : keys) {
        StageWindow w = byKey.get(key);
        if (w != null) {
          // Each window is copied under its own lock (calls keep arriving at the current stage's).
          read.put(key, w.copy());
        }
      }
    }
    // Each stage's strata that saw calls (everyone else; a cohort against its holdback), every
    // segment merged: the overall comparison. Each declared segment's windows: its own comparison.
    List<StageWindow> strata = new ArrayList<>();
    List<StageWindow> current = new ArrayList<>();
    Map<String, List<StageWindow>> bySegment = new LinkedHashMap<>();
    List<String> values = StageWindow.segments(segments);
    for (String stage : stages) {
      for (boolean cohort : new boolean[] {false, true}) {
        String stratum = StageWindow.key(stage, cohort, "");
        List<StageWindow> parts = new ArrayList<>();
        for (String value : values) {
          StageWindow w = read.get(StageWindow.key(stage, cohort, value));
          if (w != null) {
            parts.add(w);
            if (!value.isEmpty()) {
              bySegment.computeIfAbsent(value, v -> new ArrayList<>()).add(w);
            }
          }
        }
        if (parts.isEmpty()) {
          continue;
        }
        StageWindow merged = parts.size() == 1 && parts.get(0).key.equals(stratum) ? parts.get(0) : new StageWindow(stratum);
        if (merged != parts.get(0)) {
          parts.forEach(merged::addAll);
        }
        strata.add(merged);
        if (stage.equals(p.stage().name())) {
          current.add(merged);
        }
      }
    }
    long currentCand = 0;
    long currentBase = 0;
    for (StageWindow w : current) {
      currentCand += w.cand.calls;
      currentBase += w.base.calls;
    }
    if (currentCand + currentBase == 0) {
      return Verdict.hold("no calls observed at stage " + p.stage().name() + (f != null ? " in the fleet" : "") + " yet");
    }
    long candCalls = 0;
    long baseCalls = 0;
    boolean quality = false;
    for (StageWindow w : strata) {
      candCalls += w.cand.calls;
      baseCalls += w.base.calls;
      // A quality metric is judged as soon as either arm has a score (a scorer's or feedback): scores
      // on the baseline alone hold promotion until the candidate has its own.
      quality |= w.cand.quality.n > 0 || w.base.quality.n > 0;
    }
    if (config.scorer() == null && !quality) {
      margins.remove("quality");
    }
    // The plan's deterministic rules first: a person wrote them as limits.
    Verdict guard = guards.check(p, current);
    if (guard != null) {
      return guard;
    }
    List<Comparison> results = Comparison.of(strata, margins);
    // A sample-ratio mismatch holds promotion only: a regression rolls back whatever the share.
    Verdict mismatch = sampleRatio(p, currentCand, currentBase);
    // Metrics that saw nothing at all cannot give evidence of a regression; they do not take a share
    // of α. Most of α is for the evidence from the rollout's start, shared with each declared
    // segment's; a fifth for the change detector's restarts.
    long k = Math.max(1, results.stream().filter(Comparison::informative).count());
    double rollbackAlpha = config.alpha() * (1 - ChangeDetector.ALPHA_SHARE) / (k * (1 + bySegment.size()));
    double changeAlpha = config.alpha() * ChangeDetector.ALPHA_SHARE / (k * ChangeDetector.CHECKPOINTS);
    double promotionAlpha = config.promotionAlpha();
    for (Comparison c : results) {
      double lower = c.lower(rollbackAlpha);
      if (lower > c.margin()) {
        return new Verdict(Verdict.Decision.ROLLBACK, c.describe("regression", lower, "lower bound"),
            c.evidence(rollbackAlpha, promotionAlpha));
      }
    }
    String attribute = segments == null ? "" : segments.attribute();
    Map<String, List<Comparison>> segmentResults = new LinkedHashMap<>();
    for (Map.Entry<String, List<StageWindow>> segment : bySegment.entrySet()) {
      List<Comparison> cs = Comparison.of(segment.getValue(), margins);
      segmentResults.put(attribute + "=" + segment.getKey(), cs);
      for (Comparison c : cs) {
        double lower = c.lower(rollbackAlpha);
        if (lower > c.margin()) {
          return segmentVerdict(Verdict.Decision.ROLLBACK, attribute + "=" + segment.getKey(), c, "regression", lower, rollbackAlpha,
              promotionAlpha);
        }
      }
    }
    // A regression that began late: the calls since each recent checkpoint, on their own.
    for (ChangeDetector.Since since : changes.look(p.route(), p.plan().salt() + "\n" + p.plan().candidate(), candCalls, strata)) {
      for (Comparison c : Comparison.of(since.windows(), margins)) {
        double lower = c.lower(changeAlpha);
        if (lower > c.margin()) {
          Map<String, Object> evidence = new LinkedHashMap<>(c.evidence(changeAlpha, promotionAlpha));
          evidence.put("since_candidate_calls", since.candidateCallsAt());
          return new Verdict(Verdict.Decision.ROLLBACK, String.format(Locale.ROOT, "change since candidate call %,d: %s",
              since.candidateCallsAt(), c.describe("regression", lower, "lower bound")), evidence);
        }
      }
    }
    if (currentCand == 0 || currentBase == 0) {
      return Verdict.hold("waiting for calls in both arms: candidate " + currentCand + ", baseline " + currentBase);
    }
    if (mismatch != null) {
      return mismatch;
    }
    if (!p.exposureMet()) {
      return Verdict.hold("waiting for minimum exposure: " + p.candidateCalls() + "/" + p.stage().minCandidateCalls() + " calls, "
          + dev.sluice.internal.HumanDuration.of(p.elapsed()) + "/" + dev.sluice.internal.HumanDuration.of(p.stage().minDuration()));
    }
    if (candCalls < config.minCallsPerArm() || baseCalls < config.minCallsPerArm()) {
      return Verdict.hold("waiting for " + config.minCallsPerArm() + " calls in each arm: candidate " + candCalls
          + ", baseline " + baseCalls);
    }
    for (Comparison c : results) {
      double upper = c.upper(promotionAlpha);
      if (!(upper < c.margin())) {
        return new Verdict(Verdict.Decision.HOLD, c.describe("not yet shown within margin", upper, "upper bound"),
            c.evidence(rollbackAlpha, promotionAlpha));
      }
    }
    // No promotion while a segment looks worse than its margin: a regression in one segment is often
    // still short of the rollback's evidence when the whole traffic is shown within its margins.
    for (Map.Entry<String, List<Comparison>> segment : segmentResults.entrySet()) {
      for (Comparison c : segment.getValue()) {
        if (c.estimate() > c.margin()) {
          return segmentVerdict(Verdict.Decision.HOLD, segment.getKey(), c, "looks worse than its margin", c.lower(rollbackAlpha),
              rollbackAlpha, promotionAlpha);
        }
      }
    }
    Map<String, Object> all = new LinkedHashMap<>();
    for (Comparison c : results) {
      all.put(c.metric(), c.evidence(rollbackAlpha, promotionAlpha));
    }
    return new Verdict(Verdict.Decision.PROMOTE, "every metric's worsening is shown within its margin over "
        + candCalls + " candidate and " + baseCalls + " baseline calls (" + stages.size() + " stage(s))", all);
  }

  private static Verdict segmentVerdict(Verdict.Decision decision, String segment, Comparison c, String what, double lower,
      double rollbackAlpha, double promotionAlpha) {
    Map<String, Object> evidence = new LinkedHashMap<>(c.evidence(rollbackAlpha, promotionAlpha));
    evidence.put("segment", segment);
    return new Verdict(decision, "segment " + segment + ": " + c.describe(what, lower, "lower bound"), evidence);
  }

  /** A hold for a sample-ratio mismatch at the current stage, or null. */
  private static @Nullable Verdict sampleRatio(StageProgress p, long cand, long base) {
    if ((p.stage().kind() != StageKind.CANARY && p.stage().kind() != StageKind.PERCENT) || !shareIsThePercent(p)
        || !(p.expectedPercent() > 0 && p.expectedPercent() < 100)) {
      return null;
    }
    // The share expected is the operator's override when one is set: overriding is not a mismatch.
    double expected = p.expectedPercent() / 100;
    double chi2 = Statistics.chiSquare(cand, base, expected);
    double observed = (double) cand / (cand + base);
    double relative = Math.abs(observed - expected) / expected;
    // Assignment is sticky per subject, so calls cluster by subject and a call-level chi-square
    // overstates significance: also require the share to be off by a fifth of itself.
    if (chi2 > Statistics.CHI2_P001 && relative > 0.2 && cand + base >= 1000) {
      return new Verdict(Verdict.Decision.HOLD, String.format(Locale.ROOT,
          "sample ratio mismatch: candidate has %.2f%% of calls, expected %.2f%% (chi-square %.1f)",
          100.0 * observed, p.expectedPercent(), chi2), Map.of("chi_square", chi2));
    }
    return null;
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
}
