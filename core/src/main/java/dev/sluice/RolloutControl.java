package dev.sluice;

import dev.sluice.rollout.GateReport;
import dev.sluice.rollout.Bucketing;
import dev.sluice.rollout.Assignment;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.ToggleSource;
import dev.sluice.rollout.Toggles;
import dev.sluice.rollout.OfflineGate;
import dev.sluice.rollout.RolloutState;
import dev.sluice.rollout.ShadowStats;
import dev.sluice.rollout.CohortRule;
import dev.sluice.rollout.Segments;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.StageGate;
import dev.sluice.rollout.RolloutEvent;
import dev.sluice.rollout.RolloutStateStore;
import dev.sluice.rollout.Verdict;
import dev.sluice.rollout.StageKind;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.time.TimeSource;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime handle of one route's rollout and toggles: assigns each call a variant, counts the
 * stage's exposure, and takes operations (kill, pin, percent, pause, resume, advance, roll back),
 * each effective on the next call and recorded as a {@link RolloutEvent} with who and why.
 *
 * <pre>{@code
 * RolloutControl rollout = sluice.rollout("support-answer");
 * rollout.advance("ana", "canary looks clean");
 * rollout.kill(false, "oncall", "INC-4521: answers in the wrong language");
 * }</pre>
 *
 * <p>Thread-safe. Assignment reads an immutable snapshot (no lock, no I/O); operations are
 * serialised and saved to the {@link RolloutStateStore} before they take effect.
 */
public final class RolloutControl {

  private static final Logger log = LoggerFactory.getLogger(RolloutControl.class);
  private static final int HISTORY = 1000;

  private final Route route;
  private final String stateKey;
  private final @Nullable RolloutPlan plan;
  private final RolloutStateStore store;
  /** True while {@link #evaluate} acts on a verdict: a conflict then drops the verdict. Guarded by this. */
  private boolean deciding;
  private final ToggleSource toggles;
  private final TimeSource time;
  private final StageGate gate;
  private final List<Consumer<RolloutEvent>> listeners;
  private final Deque<RolloutEvent> history = new ArrayDeque<>();
  /** LongAdders: counted by every candidate call on every thread, read when the judge looks. */
  private final LongAdder candidateCalls = new LongAdder();
  private final LongAdder unkeyedCalls = new LongAdder();
  private final ShadowStats shadow = new ShadowStats();
  private volatile Snapshot snapshot;
  private volatile @Nullable Verdict lastVerdict;
  private boolean escalated;

  public RolloutControl(Route route, @Nullable RolloutPlan plan, RolloutStateStore store, ToggleSource toggles,
      TimeSource time, StageGate gate, List<Consumer<RolloutEvent>> listeners) {
    this(route, plan, route.name(), store, toggles, time, gate, listeners);
  }

  /**
   * A control whose state is kept under {@code stateKey} in the store: the route's name for the
   * rollout its configuration names; {@code route@release} for a published release's, so that each
   * release's rollout starts from its own first stage.
   */
  RolloutControl(Route route, @Nullable RolloutPlan plan, String stateKey, RolloutStateStore store, ToggleSource toggles,
      TimeSource time, StageGate gate, List<Consumer<RolloutEvent>> listeners) {
    this.stateKey = stateKey;
    this.route = route;
    this.plan = plan;
    this.store = store;
    this.toggles = toggles;
    this.time = time;
    this.gate = gate;
    this.listeners = List.copyOf(listeners);
    if (plan != null) {
      if (!plan.route().equals(route.name())) {
        throw new InvalidConfigurationException("rollout.route", plan.route(), "the route it is attached to, '" + route.name() + "'");
      }
      if (!route.variants().containsKey(plan.candidate()) || plan.candidate().equals(route.baseline().id())) {
        throw new InvalidConfigurationException("rollout.candidate", plan.candidate(),
            "a variant of route '" + route.name() + "' other than its baseline: " + route.variants().keySet());
      }
    }
    // Another instance may be creating the same route's state: whoever saves first wins, the
    // others take what it saved.
    for (int tries = 0; ; tries++) {
      RolloutStateStore.Versioned stored = store.loadVersioned(stateKey).orElse(null);
      RolloutState state = stored == null ? RolloutState.start(time.now()) : stored.state();
      long version = stored == null ? 0 : stored.version();
      if (plan != null && state.stageIndex() >= plan.stages().size()) {
        state = state.at(plan.stages().size() - 1, state.enteredAt(), "stage index clamped to the plan");
      } else if (stored != null && store.shared()) {
        this.snapshot = new Snapshot(state, plan, version);
        break;
      }
      OptionalLong saved = store.saveIfVersion(stateKey, version, state);
      if (saved.isPresent()) {
        this.snapshot = new Snapshot(state, plan, saved.getAsLong());
        break;
      }
      if (tries == CONFLICT_TRIES) {
        throw new IllegalStateException("route '" + route.name() + "': the shared rollout state kept changing while it was read");
      }
    }
  }

  /** How often a change is tried again when another instance changed the shared state first. */
  private static final int CONFLICT_TRIES = 16;

  // ---- the call path -------------------------------------------------------------------------

  private final java.util.Set<String> warnedPins = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private void unknownPin(String variant) {
    if (warnedPins.size() < 64 && warnedPins.add(variant)) {
      org.slf4j.LoggerFactory.getLogger(RolloutControl.class).warn("route {} is pinned to variant '{}', which it does not have "
          + "(its variants: {}); the pin is ignored", route.name(), variant.length() > 64 ? variant.substring(0, 64) + "..." : variant,
          route.variants().keySet());
    }
  }

  /**
   * The variant for this call and what to do with it: serve it, or, under the kill switch, serve
   * the baseline, go to the fallback chain, or reject the call when the route has no chain.
   */
  public Assignment assign(Subject subject) {
    Toggles t = toggles.get(route.name(), subject);
    Snapshot s = snapshot;
    String stage = s.stageName;
    if (t.killed()) {
      Assignment.Action action = !t.killToFallback() ? Assignment.Action.KILL_TO_BASELINE
          : route.fallback().isEmpty() ? Assignment.Action.REJECT : Assignment.Action.KILL_TO_FALLBACK;
      return new Assignment(route.baseline(), false, "killed", stage, action);
    }
    if (t.pinned() != null && !route.variants().containsKey(t.pinned())) {
      // A pin from a flag service may name a variant this route does not have: ignored, not a failed call.
      unknownPin(t.pinned());
      t = t.withPinned(null);
    }
    if (t.pinned() != null) {
      Variant v = route.variant(t.pinned());
      return new Assignment(v, plan != null && v.id().equals(plan.candidate()), "pinned", stage);
    }
    if (plan == null || s.state.rolledBack()) {
      return new Assignment(route.baseline(), false, plan == null ? "baseline" : "rolled_back", stage);
    }
    String key = subject.routingKey().orElse(null);
    Segments segments = plan.segments();
    String segment = segments == null ? "" : segments.of(subject);
    if (key != null && plan.deny().contains(key)) {
      return baseline("ineligible", stage, segment);
    }
    CohortRule eligible = plan.eligibility();
    if (eligible != null && !eligible.matches(subject)) {
      return baseline("ineligible", stage, segment);
    }
    if (!s.live) {
      return baseline("baseline", stage, segment);
    }
    if (key != null && plan.allow().contains(key)) {
      return candidate("allow_list", stage, segment);
    }
    int buckets = t.percentOverride() != null ? Bucketing.bucketsFor(t.percentOverride()) : s.buckets;
    int bucket;
    if (key == null) {
      unkeyedCalls.increment();
      bucket = ThreadLocalRandom.current().nextInt(Bucketing.BUCKETS);
    } else {
      bucket = Bucketing.bucket(plan.salt(), key);
    }
    for (CohortRule c : s.cohorts) {
      if (c.matches(subject)) {
        // The cohort's own comparison: its subjects in the top buckets stay on the baseline (until a
        // percent stage reaches them), every other one of them is served the candidate.
        boolean held = bucket >= buckets && bucket >= Bucketing.BUCKETS - s.holdbackBuckets;
        return held ? baseline("holdback", stage, segment) : candidate("cohort", stage, segment);
      }
    }
    return bucket < buckets ? candidate("candidate", stage, segment) : baseline("baseline", stage, segment);
  }

  private Assignment baseline(String reason, String stage, String segment) {
    return new Assignment(route.baseline(), false, reason, stage, Assignment.Action.SERVE, segment);
  }

  private Assignment candidate(String reason, String stage, String segment) {
    candidateCalls.increment();
    return new Assignment(route.variant(Objects.requireNonNull(plan).candidate()), true, reason, stage, Assignment.Action.SERVE,
        segment);
  }

  /** Counts a shadow run as the shadow stage's exposure. */
  public void countShadowRun() {
    if (snapshot.stage != null && snapshot.stage.kind() == StageKind.SHADOW) {
      candidateCalls.increment();
    }
  }

  // ---- reading -------------------------------------------------------------------------------

  public String route() {
    return route.name();
  }

  public @Nullable RolloutPlan plan() {
    return plan;
  }

  public RolloutState state() {
    return snapshot.state;
  }

  /** The current stage, or null when the route has no rollout plan. */
  public @Nullable Stage stage() {
    return snapshot.stage;
  }

  public Toggles toggles() {
    return toggles.get(route.name());
  }

  /** Candidate calls (shadow runs in a shadow stage) since the current stage began. */
  public long candidateCallsInStage() {
    return candidateCalls.sum();
  }

  /** Calls without a routing key, assigned per request instead of by subject. */
  public long unkeyedCalls() {
    return unkeyedCalls.sum();
  }

  /** What the shadow has compared so far. */
  public ShadowStats shadowStats() {
    return shadow;
  }

  /** The last verdict of the stage gate, if it ran. */
  public @Nullable Verdict lastVerdict() {
    return lastVerdict;
  }

  /** The candidate's share of subjects now, in percent (the override if one is set). */
  public double candidatePercent() {
    Toggles t = toggles();
    return t.percentOverride() != null ? t.percentOverride() : snapshot.buckets / 1000.0;
  }

  /** The most recent events, oldest first (at most 1,000). */
  public synchronized List<RolloutEvent> history() {
    return new ArrayList<>(history);
  }

  public StageProgress progress() {
    Snapshot s = snapshot;
    if (plan == null || s.stage == null) {
      throw new IllegalStateException("route '" + route.name() + "' has no rollout plan");
    }
    long counted = candidateCalls.sum();
    // A judge sharing evidence counts the fleet's candidate calls at a live stage, not this instance's alone.
    long calls = s.stage.isLive() ? gate.candidateCalls(plan, s.stage.name(), counted) : counted;
    Double override = toggles().percentOverride();
    return new StageProgress(route.name(), plan, s.state.stageIndex(), s.stage, s.state.enteredAt(), time.now(), calls,
        override != null ? override : s.stage.percent(), shadow);
  }

  // ---- operations ----------------------------------------------------------------------------

  private volatile boolean closed;

  /** Called by {@link Sluice#close()}: operations after it are refused, evaluations do nothing. */
  void close() {
    closed = true;
  }

  /** Called when a release replaces this rollout: operations on this handle are refused, naming why. */
  void retire(String why) {
    retired = why;
    closed = true;
  }

  private volatile @Nullable String retired;

  /** The key its state is kept under in the rollout state store. */
  String stateKey() {
    return stateKey;
  }

  private void requireOpen() {
    if (closed) {
      String why = retired;
      throw new IllegalStateException(why != null ? "route '" + route.name() + "': this rollout handle was replaced (" + why
          + "); take the current one from sluice.rollout(\"" + route.name() + "\")"
          : "route '" + route.name() + "': the Sluice instance is closed; toggles and rollout operations after close() are refused");
    }
  }

  /** Kill switch on: calls go to the baseline, or with {@code toFallback} to the route's fallback chain. */
  public synchronized void kill(boolean toFallback, String who, String why) {
    requireOpen();
    toggles.set(route.name(), toggles().withKill(true, toFallback));
    event("killed", who, why + (toFallback ? " (to fallback)" : " (to baseline)"));
  }

  public synchronized void unkill(String who, String why) {
    requireOpen();
    toggles.set(route.name(), toggles().withKill(false, false));
    event("unkilled", who, why);
  }

  /** Every call gets this variant until {@link #unpin}. */
  public synchronized void pin(String variantId, String who, String why) {
    requireOpen();
    route.variant(variantId);
    toggles.set(route.name(), toggles().withPinned(variantId));
    event("pinned", who, why + " (" + variantId + ")");
  }

  public synchronized void unpin(String who, String why) {
    requireOpen();
    toggles.set(route.name(), toggles().withPinned(null));
    event("unpinned", who, why);
  }

  /** Overrides the stage's percentage (0 to 100); null returns to the stage's. */
  public synchronized void percent(@Nullable Double percent, String who, String why) {
    requireOpen();
    if (percent != null && !(percent >= 0 && percent <= 100)) {
      throw new InvalidConfigurationException("percent", percent, "a percentage from 0 to 100");
    }
    toggles.set(route.name(), toggles().withPercent(percent));
    event("percent", who, why + " (" + (percent == null ? "stage's" : percent + "%") + ")");
  }

  /** Stops automatic advancement; traffic stays as the stage has it. */
  public synchronized void pause(String who, String why) {
    requireOpen();
    transition(s -> s.paused(true, why));
    event("paused", who, why);
  }

  public synchronized void resume(String who, String why) {
    requireOpen();
    transition(s -> s.paused(false, why));
    event("resumed", who, why);
  }

  /**
   * Moves to the next stage. Refused (with the reason) when there is no next stage, the rollout is
   * rolled back, the offline gate has not passed, or the stage's minimum exposure is not met.
   */
  public synchronized void advance(String who, String why) {
    requireOpen();
    follow();
    String refusal = whyNotAdvance();
    if (refusal != null) {
      throw new IllegalStateException("route '" + route.name() + "' cannot advance: " + refusal);
    }
    doAdvance(who, why);
  }

  /**
   * Moves to the next stage although its minimum exposure (or the offline gate) is not met: a
   * person's decision, recorded as a {@code forced_advance} event with who and why. A reason is
   * required. Refused when there is no next stage or the rollout was rolled back.
   */
  public synchronized void forceAdvance(String who, String why) {
    requireOpen();
    if (who == null || who.isBlank() || why == null || why.isBlank()) {
      throw new IllegalArgumentException("route '" + route.name() + "': a forced advance needs who forces it and why");
    }
    follow();
    String blocked = whyCannotAdvance();
    if (blocked != null) {
      throw new IllegalStateException("route '" + route.name() + "' cannot advance: " + blocked);
    }
    String unmet = unmetToAdvance();
    doAdvance(who, why, "forced_advance", unmet == null ? why : why + " (forced past: " + unmet + ")");
  }

  /** Sends every call back to the baseline, at once, and stops the rollout. */
  public synchronized void rollback(String who, String why) {
    requireOpen();
    requirePlan();
    if (snapshot.state.rolledBack()) {
      return;
    }
    toggles.set(route.name(), toggles().withPercent(null));
    // Applied once fleet-wide: an instance that finds it already rolled back records nothing.
    if (transition(s -> s.rolledBack() ? null : s.rolledBack(time.now(), why))) {
      event("rolled_back", who, why);
    }
  }

  /**
   * Records the offline gate's result; a passing report lets the plan leave its offline-gate stage.
   *
   * @throws IllegalArgumentException when the report was made for another candidate (another
   *     variant, model or version labels): its pass says nothing about this one
   */
  public synchronized void recordGate(GateReport report, String who) {
    requireOpen();
    requirePlan();
    String expected = GateReport.identity(route.variant(Objects.requireNonNull(plan).candidate()));
    if (!report.candidate().equals(expected)) {
      throw new IllegalArgumentException("route '" + route.name() + "': the gate report is for " + report.candidate()
          + ", the rollout's candidate is " + expected + "; run the offline gate on this candidate");
    }
    transition(s -> s.gate(report.passed(), report.summary()));
    event("gate", who, (report.passed() ? "passed: " : "failed: ") + report.summary());
  }

  /**
   * Asks the stage gate for a verdict and acts on it: promote (if exposure is met), roll back, or
   * hold; past the stage's maximum duration applies the stage's action. Runs on a schedule and can
   * be called at any time; does nothing while paused (here, or by the toggle source) or rolled back.
   */
  public synchronized @Nullable Verdict evaluate() {
    if (!closed && plan != null) {
      try {
        follow();
      } catch (RuntimeException e) {
        // A shared state that cannot be read is not judged on: nothing advances or rolls back on a stale view.
        log.warn("rollout {} not evaluated: the shared rollout state could not be read", route.name(), e);
        return null;
      }
    }
    if (closed || plan == null || snapshot.state.rolledBack() || snapshot.state.paused() || toggles.paused(route.name())) {
      return null;
    }
    if (store.shared() && !leads()) {
      return null;
    }
    deciding = true;
    try {
      return decide();
    } finally {
      deciding = false;
    }
  }

  /**
   * In a fleet, whether this instance is the one that evaluates the route now (the store's lease).
   * On taking the lease it saves the state again, raising its version: a decision the previous
   * holder made on the older version (say it paused past its lease) is then refused, not applied.
   */
  private boolean leads() {
    RolloutStateStore.Lead lead;
    try {
      lead = store.lead(stateKey);
    } catch (RuntimeException e) {
      log.warn("rollout {} not evaluated: the evaluation lease could not be read", route.name(), e);
      return false;
    }
    if (lead == RolloutStateStore.Lead.NEW_TERM) {
      try {
        transition(s -> s);
      } catch (RuntimeException e) {
        log.warn("rollout {} not evaluated: could not open this instance's term as evaluator", route.name(), e);
        return false;
      }
    }
    return lead != RolloutStateStore.Lead.FOLLOWER;
  }

  private @Nullable Verdict decide() {
    Stage stage = Objects.requireNonNull(snapshot.stage);
    boolean last = snapshot.state.stageIndex() == Objects.requireNonNull(plan).stages().size() - 1;
    if (stage.kind() == StageKind.OFFLINE_GATE) {
      if (snapshot.state.gatePassed() && !last) {
        doAdvance("sluice", "offline gate passed");
      }
      return null;
    }
    StageProgress p = progress();
    Verdict v = gate.decide(p);
    lastVerdict = v;
    if (v.decision() == Verdict.Decision.ROLLBACK) {
      rollback("sluice", v.reason());
      return v;
    }
    if (v.decision() == Verdict.Decision.PROMOTE && p.exposureMet() && !last) {
      doAdvance("sluice", v.reason());
      return v;
    }
    if (!last && !p.now().isBefore(p.enteredAt().plus(stage.maxDuration()))) {
      switch (stage.atMax()) {
        case ROLLBACK -> rollback("sluice", "stage " + stage.name() + " reached its maximum duration " + stage.maxDuration()
            + " without promotion; last verdict: " + v.reason());
        case ESCALATE -> {
          if (!escalated) {
            escalated = true;
            event("escalated", "sluice", "stage " + stage.name() + " reached its maximum duration; a person should decide. Last verdict: " + v.reason());
          }
        }
        case HOLD -> { }
      }
    }
    return v;
  }

  private @Nullable String whyNotAdvance() {
    String blocked = whyCannotAdvance();
    return blocked != null ? blocked : unmetToAdvance();
  }

  /** What no one can advance past, forced or not: no plan, a rollback, the last stage. */
  private @Nullable String whyCannotAdvance() {
    if (plan == null) {
      return "it has no rollout plan";
    }
    RolloutState s = snapshot.state;
    if (s.rolledBack()) {
      return "it was rolled back (" + s.reason() + ")";
    }
    return s.stageIndex() >= plan.stages().size() - 1 ? "it is at its last stage" : null;
  }

  /** What the current stage still needs (a passed offline gate, minimum exposure); a forced advance skips it. */
  private @Nullable String unmetToAdvance() {
    RolloutPlan plan = Objects.requireNonNull(this.plan);
    RolloutState s = snapshot.state;
    Stage stage = plan.stage(s.stageIndex());
    if (stage.kind() == StageKind.OFFLINE_GATE) {
      return s.gatePassed() ? null : "the offline gate has not passed; run OfflineGate and record its report";
    }
    StageProgress p = progress();
    if (!p.exposureMet()) {
      return "stage " + stage.name() + " needs " + stage.minCandidateCalls() + " candidate calls and "
          + dev.sluice.internal.HumanDuration.of(stage.minDuration()) + "; it has " + p.candidateCalls() + " calls over "
          + dev.sluice.internal.HumanDuration.of(p.elapsed());
    }
    return null;
  }

  private void doAdvance(String who, String why) {
    doAdvance(who, why, "advanced", why);
  }

  private void doAdvance(String who, String why, String kind, String recorded) {
    int from = snapshot.state.stageIndex();
    // From this stage to the next, once: if another instance moved first, this one follows it instead.
    if (transition(s -> s.stageIndex() == from && !s.rolledBack() ? s.at(from + 1, time.now(), why) : null)) {
      candidateCalls.reset();
      escalated = false;
      event(kind, who, recorded);
    }
  }

  private void requirePlan() {
    if (plan == null) {
      throw new IllegalStateException("route '" + route.name() + "' has no rollout plan; kill, pin and percent work without one");
    }
  }

  /**
   * Applies {@code change} to the freshest state and saves it if the stored version is still the
   * one it was applied to; otherwise reloads and applies it again. {@code change} returns null when,
   * seen from the freshest state, there is nothing to do. Whether it was applied.
   */
  private boolean transition(Function<RolloutState, @Nullable RolloutState> change) {
    for (int tries = 0; tries <= CONFLICT_TRIES; tries++) {
      Snapshot s = snapshot;
      RolloutState next = change.apply(s.state);
      if (next == null) {
        return false;
      }
      OptionalLong saved = store.saveIfVersion(stateKey, s.version, next);
      if (saved.isPresent()) {
        snapshot = new Snapshot(next, plan, saved.getAsLong());
        return true;
      }
      follow();
      if (deciding) {
        // A verdict holds for the state it was reached on: another instance changed it meanwhile
        // (or took the evaluation lease), so the verdict is dropped and the next evaluation decides.
        log.info("rollout {}: a decision was dropped, the shared state changed while it was being made", route.name());
        return false;
      }
    }
    throw new IllegalStateException("route '" + route.name() + "': the shared rollout state kept changing; the change was not applied");
  }

  /**
   * Takes the stored state if another instance changed it (a newer version): its stage, pause or
   * rollback now holds here too, and the stage's candidate count starts again on a new stage. Sluice
   * calls it when the store reports a change and on a schedule; a store private to this instance
   * has nothing newer.
   */
  public synchronized void follow() {
    if (!store.shared()) {
      return;
    }
    RolloutStateStore.Versioned stored = store.loadVersioned(stateKey).orElse(null);
    if (stored == null || stored.version() <= snapshot.version) {
      return;
    }
    RolloutState previous = snapshot.state;
    snapshot = new Snapshot(stored.state(), plan, stored.version());
    if (stored.state().stageIndex() != previous.stageIndex()) {
      candidateCalls.reset();
      escalated = false;
    }
    if (stored.state().rolledBack() != previous.rolledBack() || stored.state().stageIndex() != previous.stageIndex()) {
      log.info("rollout {} follows the shared state: stage {}{} ({})", route.name(), snapshot.stageName,
          stored.state().rolledBack() ? ", rolled back" : "", stored.state().reason());
    }
  }

  private void event(String kind, String who, String why) {
    RolloutEvent e = new RolloutEvent(time.now(), route.name(), kind, who, why, snapshot.stageName, plan == null ? "" : plan.owner());
    history.addLast(e);
    if (history.size() > HISTORY) {
      history.removeFirst();
    }
    log.info("rollout {} {} by {} at stage {}: {}", route.name(), kind, who, e.stage(), why);
    for (Consumer<RolloutEvent> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        log.warn("a rollout listener failed on {}", e, ex);
      }
    }
  }

  /** What assignment reads on every call, recomputed on each change. */
  private static final class Snapshot {
    final RolloutState state;
    final long version;
    final @Nullable Stage stage;
    final String stageName;
    final boolean live;
    final int buckets;
    final List<CohortRule> cohorts;
    final int holdbackBuckets;

    Snapshot(RolloutState state, @Nullable RolloutPlan plan, long version) {
      this.state = state;
      this.version = version;
      if (plan == null) {
        stage = null;
        stageName = "none";
        live = false;
        buckets = 0;
        cohorts = List.of();
        holdbackBuckets = 0;
        return;
      }
      stage = plan.stage(state.stageIndex());
      stageName = stage.name();
      live = stage.isLive();
      double percent = 0;
      List<CohortRule> rules = new ArrayList<>();
      // Everything earlier stages gave stays given: the ramp only adds subjects.
      for (int i = 0; i <= state.stageIndex(); i++) {
        Stage s = plan.stage(i);
        if (s.kind() == StageKind.CANARY || s.kind() == StageKind.PERCENT || s.kind() == StageKind.FULL) {
          percent = Math.max(percent, s.percent());
        }
        if (s.kind() == StageKind.COHORT) {
          rules.add(s.cohort());
        }
      }
      buckets = Bucketing.bucketsFor(percent);
      cohorts = List.copyOf(rules);
      holdbackBuckets = Bucketing.bucketsFor(plan.cohortHoldback());
    }
  }
}
