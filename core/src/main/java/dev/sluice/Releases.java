package dev.sluice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.ClientResolver;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.release.ReleaseEvent;
import dev.sluice.release.ReleaseRefusedException;
import dev.sluice.release.ReleaseStore;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.rollout.RolloutEvent;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.StageKind;
import dev.sluice.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The releases of a running {@link Sluice}: publish a new one without a restart, see each route's
 * history, roll back to any earlier release in one call. Every change is an entry of a {@link
 * ReleaseStore} log that each instance applies in the same order (in a fleet, the log is on Redis),
 * and an audit event ({@link ReleaseEvent}) with who, when and why.
 *
 * <ul>
 *   <li><b>Publishing</b> a release makes it the route's candidate under the route's release plan
 *       ({@link Route#releasePlan()}) or its own, from the plan's first stage (the offline gate,
 *       when the plan has one). Calls in flight finish on the release they started with.
 *   <li><b>One candidate at a time</b>: while one is rolling out, publishing another is refused
 *       ({@link ReleaseRefusedException}) naming it; roll it back or let it finish first. A release
 *       directory retries a refused file on its next scan, so there it waits its turn.
 *   <li><b>Promotion</b>: when a published release's rollout reaches its full stage it becomes the
 *       baseline (event {@code promoted}), and the route has no candidate until the next.
 *   <li><b>Rollback</b> of its rollout (by the judge or a person) keeps it, marked {@code
 *       rolled_back}, in the history; {@link #rollbackTo} makes any earlier release the baseline at once.
 *   <li><b>Versions that cannot lie</b>: a release id names one content for good (publishing the same
 *       again does nothing; other content under it is refused); a {@code promptVersion} already
 *       naming another prompt on the route is refused, or with {@link OnChangedPrompt#DERIVE_VERSION}
 *       becomes {@code support-v9:1a2b3c4d}.
 * </ul>
 *
 * <pre>{@code
 * Releases releases = sluice.releases();
 * releases.publish(ReleaseDefinition.parse(Files.readString(Path.of("releases/support-v9.yaml"))), "ana", "shorter answers");
 * releases.rollbackTo("support-answer", "support-v7", "oncall", "INC-4711: wrong refunds");
 * releases.history("support-answer").forEach(e -> System.out.println(e.toJson()));
 * }</pre>
 *
 * <p>Thread-safe: changes are applied one at a time; calls never wait for them.
 */
public final class Releases {

  /** What a release whose prompt changed while its {@code promptVersion} did not gets. */
  public enum OnChangedPrompt {
    /** Refused, naming both fingerprints: the default. */
    REFUSE,
    /** Published with the version {@code <promptVersion>:<first 8 digits of the prompt fingerprint>}. */
    DERIVE_VERSION
  }

  private static final Logger log = LoggerFactory.getLogger(Releases.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** History kept per route (the audit sink keeps everything). */
  static final int HISTORY = 1000;
  private static final int READ_BATCH = 100;
  private static final int MAX_WHO_CHARS = 256;
  private static final int MAX_WHY_CHARS = 2048;

  private final Sluice sluice;
  private final ReleaseStore store;
  private final ClientResolver clients;
  private final TimeSource time;
  private final Function<String, String> environment;
  private final OnChangedPrompt onChangedPrompt;
  private final Executor workers;
  private final dev.sluice.pricing.PriceTable prices;
  private final List<Consumer<ReleaseEvent>> listeners;
  private final Map<String, RouteReleases> routes = new LinkedHashMap<>();
  /**
   * Releases this instance published, by {@code route/id}, until their log entry is applied: applied
   * from the variant built here (a release built in code has no document to build it from).
   */
  private final Map<String, Prepared> local = new ConcurrentHashMap<>();

  /** A release as this instance built and checked it before logging it: applied from this, not read again. */
  private record Prepared(Variant variant, @Nullable RolloutPlan plan) {}
  /** Log entries applied so far. Guarded by this. */
  private long applied;
  /** When the entry being applied was appended: its events carry that time on every instance. Guarded by this. */
  private @Nullable Instant entryAt;

  Releases(Sluice sluice, java.util.Collection<Route> configured, ReleaseStore store, ClientResolver clients, TimeSource time, Function<String, String> environment,
      OnChangedPrompt onChangedPrompt, Executor workers, dev.sluice.pricing.PriceTable prices, List<Consumer<ReleaseEvent>> listeners) {
    this.prices = prices;
    this.sluice = sluice;
    this.store = store;
    this.clients = clients;
    this.time = time;
    this.environment = environment;
    this.onChangedPrompt = onChangedPrompt;
    this.workers = workers;
    this.listeners = List.copyOf(listeners);
    for (Route r : configured) {
      RouteReleases rr = new RouteReleases();
      r.variants().values().forEach(v -> rr.known.put(v.id(), v));
      routes.put(r.name(), rr);
    }
  }

  /** Where each route's state is: a release in rollout, every release known, the history. Guarded by Releases.this. */
  private static final class RouteReleases {
    final Map<String, Variant> known = new LinkedHashMap<>();
    /** Published through this log and neither promoted nor stopped yet. */
    @Nullable String candidate;
    final Map<String, String> status = new LinkedHashMap<>();
    final Deque<ReleaseEvent> history = new ArrayDeque<>();
  }

  // ---- operations ----------------------------------------------------------------------------

  /**
   * Publishes a release described as data: checked here (its client resolved, its versions
   * checked against the route's releases), then appended to the log, which every instance applies.
   * Publishing a release already published with the same content does nothing and returns its
   * {@code published} event.
   *
   * @return the {@code published} event
   * @throws ReleaseRefusedException when another candidate is rolling out, the id names other
   *     content, or the {@code promptVersion} names another prompt (see {@link OnChangedPrompt})
   * @throws InvalidConfigurationException when the release cannot be built here (unknown route,
   *     unknown client, a bad field), naming the field
   */
  public ReleaseEvent publish(ReleaseDefinition release, String who, String why) {
    Objects.requireNonNull(release, "release");
    route(release.route());
    Variant v = release.variant(clients, time, environment);
    RolloutPlan own = release.plan();
    ObjectNode entry = entry("publish", release.route(), release.id(), who, why);
    entry.set("definition", release.tree());
    return submit(entry, release.route(), v, own);
  }

  /**
   * Publishes a release built in code. Its client is a Java object, so it cannot travel: with a
   * shared (fleet) release store this is refused; publish a {@link ReleaseDefinition} instead.
   */
  public ReleaseEvent publish(String route, Variant release, String who, String why) {
    Objects.requireNonNull(release, "release");
    route(route);
    if (store.shared()) {
      throw new IllegalStateException("route '" + route + "': in a fleet every instance builds each release from its data; "
          + "publish a ReleaseDefinition (YAML or JSON with client: {ref: name}) instead of a Variant");
    }
    ObjectNode entry = entry("publish", route, release.id(), who, why);
    entry.put("local", true);
    return submit(entry, route, release, null);
  }

  /**
   * Makes an earlier release of the route its baseline at once, with no candidate: every call
   * after this serves it. A release still rolling out is stopped (marked {@code rolled_back}).
   *
   * @throws IllegalArgumentException when the route never had that release
   */
  public synchronized ReleaseEvent rollbackTo(String route, String release, String who, String why) {
    RouteReleases rr = route(route);
    if (!rr.known.containsKey(release)) {
      throw new IllegalArgumentException("route '" + route + "' never had release '" + release + "'; its releases: " + rr.known.keySet());
    }
    return append(entry("rollback_to", route, release, who, why));
  }

  /** The route's release changes, oldest first (at most {@value #HISTORY}; the audit sink has them all). */
  public synchronized List<ReleaseEvent> history(String route) {
    return new ArrayList<>(route(route).history);
  }

  /**
   * Every release the route has had, by id, with its status: {@code baseline}, {@code candidate},
   * {@code promoted}, {@code rolled_back}, or {@code configured} (a variant the configuration
   * names that serves neither role now).
   */
  public synchronized Map<String, String> releases(String route) {
    RouteReleases rr = route(route);
    Route r = sluice.route(route);
    Map<String, String> out = new LinkedHashMap<>();
    for (String id : rr.known.keySet()) {
      String status = rr.status.get(id);
      String role = id.equals(r.baseline().id()) ? "baseline"
          : status != null && !status.equals("candidate") ? status
          : r.candidate().map(c -> c.id().equals(id)).orElse(false) ? "candidate" : status != null ? status : "configured";
      out.put(id, role);
    }
    return Collections.unmodifiableMap(out);
  }

  /** The release with this id the route has had (served or not). */
  public synchronized Variant release(String route, String id) {
    Variant v = route(route).known.get(id);
    if (v == null) {
      throw new IllegalArgumentException("route '" + route + "' never had release '" + id + "'");
    }
    return v;
  }

  // ---- the log -------------------------------------------------------------------------------

  private synchronized ReleaseEvent submit(ObjectNode entry, String route, Variant v, @Nullable RolloutPlan own) {
    // Checked before it is logged, so the caller hears why; every instance checks again as it applies.
    Checked checked = check(route, v, own);
    if (checked.refusal != null) {
      refused(route, v.id(), text(entry, "who"), checked.refusal);
      throw new ReleaseRefusedException(route, v.id(), checked.refusal, checked.waits());
    }
    if (checked.unchanged) {
      ReleaseEvent last = lastEvent(route, v.id(), "published");
      return last != null ? last : event(route, v, "published", text(entry, "who"), "unchanged: already known");
    }
    // Applied by this instance from the variant built here; other instances build their own from the definition.
    local.put(route + "/" + v.id(), new Prepared(v, own));
    ReleaseEvent e;
    try {
      e = append(entry);
    } finally {
      local.remove(route + "/" + v.id()); // applied from it by now, or never logged
    }
    if (e.kind().equals("refused")) {
      throw new ReleaseRefusedException(route, v.id(), e.why(), e.why().startsWith(WAITS));
    }
    return e;
  }

  /** Appends and applies up to it; the event of the entry appended. Guarded by this. */
  private ReleaseEvent append(ObjectNode entry) {
    long index = store.append(entry.toString());
    ReleaseEvent mine = catchUp(index);
    return Objects.requireNonNull(mine, "an entry appended under the lock is applied by its appender");
  }

  /**
   * Applies every entry not applied yet, in order: on a notice from the store, on a schedule, and
   * after appending. The event of entry {@code wanted}, if this call applied it.
   */
  synchronized @Nullable ReleaseEvent catchUp(long wanted) {
    ReleaseEvent found = null;
    while (true) {
      List<String> batch = store.read(applied, READ_BATCH);
      if (batch.isEmpty()) {
        return found;
      }
      for (String line : batch) {
        ReleaseEvent e = apply(line);
        if (applied == wanted) {
          found = e;
        }
        applied++;
      }
    }
  }

  /** Follows the shared log (a notice, or the schedule); failures are logged, the next tries again. */
  void follow() {
    try {
      catchUp(-1);
    } catch (RuntimeException e) {
      log.warn("could not read the release log; trying again on the next notice or schedule", e);
    }
  }

  private ReleaseEvent apply(String line) {
    JsonNode entry;
    try {
      entry = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      log.warn("release log entry {} is not JSON; skipped", applied);
      return new ReleaseEvent(time.now(), "", "", "refused", "sluice", "unreadable log entry " + applied, "", "");
    }
    try {
      entryAt = Instant.parse(text(entry, "at"));
    } catch (java.time.format.DateTimeParseException e) {
      entryAt = null;
    }
    try {
      return apply(entry);
    } finally {
      entryAt = null;
    }
  }

  private ReleaseEvent apply(JsonNode entry) {
    String kind = text(entry, "kind");
    String route = text(entry, "route");
    String id = text(entry, "release");
    String who = text(entry, "who");
    String why = text(entry, "why");
    RouteReleases rr = routes.get(route);
    if (rr == null) {
      return refused(route, id, who, "this instance has no route '" + route + "'");
    }
    try {
      return switch (kind) {
        case "publish" -> applyPublish(entry, rr, route, id, who, why);
        case "promote" -> applyPromote(rr, route, id, who, why);
        case "rolled_back" -> applyRolledBack(rr, route, id, who, why);
        case "rollback_to" -> applyRollbackTo(rr, route, id, who, why);
        default -> refused(route, id, who, "unknown change '" + kind + "' in the release log");
      };
    } catch (RuntimeException e) {
      // One bad entry (a client this instance lacks) must not stop the log: refused here, said why.
      log.warn("route {}: release {} could not be applied: {}", route, id, e.getMessage());
      return refused(route, id, who, String.valueOf(e.getMessage()));
    }
  }

  private ReleaseEvent applyPublish(JsonNode entry, RouteReleases rr, String route, String id, String who, String why) {
    Prepared prepared = local.remove(route + "/" + id);
    boolean mine = prepared != null;
    Variant v;
    RolloutPlan own;
    if (prepared != null) {
      v = prepared.variant();
      own = prepared.plan();
    } else if (entry.has("definition")) {
      ReleaseDefinition d;
      try {
        d = ReleaseDefinition.parse(entry.get("definition").toString());
      } catch (RuntimeException e) {
        return refused(route, id, who, "its definition cannot be read: " + e.getMessage());
      }
      v = d.variant(clients, time, environment);
      own = d.plan();
    } else {
      return refused(route, id, who, "it was published as code on another instance; publish it as a ReleaseDefinition");
    }
    Checked checked = check(route, v, own);
    if (checked.refusal != null) {
      return refused(route, id, who, checked.refusal);
    }
    if (checked.unchanged) {
      return event(route, checked.variant, "published", who, "unchanged: already known");
    }
    Variant release = checked.variant;
    RolloutPlan plan = Objects.requireNonNull(checked.plan, "a checked release has a plan");
    Route current = sluice.route(route);
    sluice.install(current.withReleases(current.baseline(), release, plan), route + "@" + id);
    rr.known.put(id, release);
    rr.candidate = id;
    rr.status.put(id, "candidate");
    RolloutControl control = sluice.rollout(route);
    if (control.toggles().percentOverride() != null) {
      // A percent set for the last candidate must not hand this one its share.
      control.percent(null, "sluice", "release " + id + " published: a new candidate starts at its plan's first stage");
    }
    log.info("release {} of route {} published by {}: {}; it rolls out under its plan from stage {} (fingerprint {}, prompt_version {})",
        id, route, who, why, control.stage() == null ? "none" : control.stage().name(), release.fingerprint(),
        release.labels().promptVersion().orElse(VersionLabels.ABSENT));
    ReleaseEvent published = event(route, release, "published", who, why);
    Route now = sluice.route(route);
    if (mine && now.goldenSet().isPresent() && control.stage() != null && control.stage().kind() == StageKind.OFFLINE_GATE) {
      // The instance that published runs the gate, once for the fleet; its report moves the shared state.
      gate(now, now.goldenSet().get(), release);
    }
    return published;
  }

  private ReleaseEvent applyPromote(RouteReleases rr, String route, String id, String who, String why) {
    if (!id.equals(rr.candidate)) {
      return refused(route, id, who, "it is not the route's candidate in rollout (that is " + rr.candidate + ")");
    }
    Route current = sluice.route(route);
    Variant release = current.variant(id);
    sluice.install(current.withReleases(release, null, null), route + "@" + id);
    rr.candidate = null;
    rr.status.put(id, "promoted");
    log.info("release {} of route {} promoted: it is the baseline now ({})", id, route, why);
    return event(route, release, "promoted", who, why);
  }

  private ReleaseEvent applyRolledBack(RouteReleases rr, String route, String id, String who, String why) {
    if (!id.equals(rr.candidate)) {
      return refused(route, id, who, "it is not the route's candidate in rollout");
    }
    rr.candidate = null;
    rr.status.put(id, "rolled_back");
    return event(route, sluice.route(route).variant(id), "rolled_back", who, why);
  }

  private ReleaseEvent applyRollbackTo(RouteReleases rr, String route, String id, String who, String why) {
    Variant release = rr.known.get(id);
    if (release == null) {
      return refused(route, id, who, "the route never had this release");
    }
    Route current = sluice.route(route);
    String stopped = rr.candidate;
    sluice.install(current.withReleases(release, null, null), route + "@" + id);
    if (stopped != null && !stopped.equals(id)) {
      rr.status.put(stopped, "rolled_back");
      event(route, current.variant(stopped), "rolled_back", who, "stopped by the rollback to " + id + ": " + why);
    }
    rr.candidate = null;
    log.info("route {} rolled back to release {} by {}: {}", route, id, who, why);
    return event(route, release, "rolled_back_to", who, why);
  }

  /** The outcome of checking a release against the route's. */
  private record Checked(@Nullable String refusal, boolean unchanged, Variant variant, @Nullable RolloutPlan plan) {
    boolean waits() {
      return refusal != null && refusal.startsWith(WAITS);
    }
  }

  /** How a refusal for another release's rollout begins. */
  private static final String WAITS = "another release is rolling out: ";

  /** Whether the release may be published now, and as what. Guarded by this. */
  private Checked check(String route, Variant v, @Nullable RolloutPlan own) {
    RouteReleases rr = route(route);
    Variant same = rr.known.get(v.id());
    if (same != null) {
      if (same.fingerprint().equals(v.fingerprint())
          && (same.labels().equals(v.labels()) || onChangedPrompt == OnChangedPrompt.DERIVE_VERSION)) {
        Route r = sluice.route(route);
        if (r.baseline().id().equals(v.id()) || v.id().equals(inRollout(route, rr))) {
          return new Checked(null, true, same, null); // already serving: publishing it again changes nothing
        }
        return new Checked("release '" + v.id() + "' was published before and is not serving now ("
            + rr.status.getOrDefault(v.id(), "configured") + "); a release id is published once: serve it again with "
            + "rollbackTo(\"" + route + "\", \"" + v.id() + "\", who, why), or publish its content under a new id", false, v, null);
      }
      return new Checked("release id '" + v.id() + "' already names other content (fingerprint " + same.fingerprint() + ", "
          + same.labels() + "; this one: " + v.fingerprint() + ", " + v.labels() + "); a release id names one content for good: "
          + "publish the change under a new id", false, v, null);
    }
    Variant release = v;
    String version = v.labels().promptVersion().orElse(null);
    if (version != null) {
      for (Variant k : rr.known.values()) {
        if (version.equals(k.labels().promptVersion().orElse(null)) && !k.promptFingerprint().equals(v.promptFingerprint())) {
          if (onChangedPrompt == OnChangedPrompt.REFUSE) {
            return new Checked("its prompt (fingerprint " + v.promptFingerprint() + ") differs from release '" + k.id()
                + "' (fingerprint " + k.promptFingerprint() + "), which promptVersion '" + version + "' already names; give the "
                + "changed prompt a new promptVersion (or let Sluice derive one: OnChangedPrompt.DERIVE_VERSION)", false, v, null);
          }
          String base = version.length() > 55 ? version.substring(0, 55) : version;
          release = v.withLabels(derived(v.labels(), base + ":" + v.promptFingerprint().substring(0, 8)));
          break;
        }
      }
    }
    String busy = inRollout(route, rr);
    if (busy != null) {
      return new Checked(WAITS + "release '" + busy + "' is rolling out on route '" + route + "' (stage "
          + stageName(sluice.rollout(route)) + "); one candidate at a time: wait until it is promoted or rolled back, or "
          + "roll it back (sluice.rollout(\"" + route + "\").rollback(who, why))", false, v, null);
    }
    RolloutPlan plan = own;
    if (plan == null) {
      RolloutPlan template = sluice.route(route).releasePlan().orElse(null);
      if (template == null) {
        return new Checked("route '" + route + "' has no plan to roll a release out under; give the route one "
            + "(Route.Builder.releasePlan, or release_plan: in the configuration) or the release its own (rollout:)", false, v, null);
      }
      // A plan written for this very release is used as written; another release gets its own salt.
      plan = template.candidate().equals(v.id()) ? template : template.forCandidate(v.id(), route + "." + v.id());
    }
    return new Checked(null, false, release, plan);
  }

  private static VersionLabels derived(VersionLabels l, String promptVersion) {
    return VersionLabels.builder().modelVersion(l.modelVersion().orElse(null)).promptVersion(promptVersion)
        .retrievalVersion(l.retrievalVersion().orElse(null)).policyVersion(l.policyVersion().orElse(null)).build();
  }

  /** The release rolling out on the route: one published here, or the configuration's while its rollout is live. */
  private @Nullable String inRollout(String route, RouteReleases rr) {
    if (rr.candidate != null) {
      return rr.candidate;
    }
    RolloutControl c = sluice.rollout(route);
    RolloutPlan plan = c.plan();
    if (plan != null && !rr.status.containsKey(plan.candidate()) && !c.state().rolledBack()
        && (c.stage() == null || c.stage().kind() != StageKind.FULL)) {
      return plan.candidate();
    }
    return null;
  }

  private static String stageName(RolloutControl c) {
    return c.stage() == null ? "none" : c.stage().name();
  }

  /**
   * Runs the route's golden set on the baseline and the release, off the caller's path, and records
   * the report on the release's rollout; a failed or unfinished gate rolls it back.
   */
  private void gate(Route route, dev.sluice.rollout.GoldenSet set, Variant release) {
    CompletableFuture<dev.sluice.rollout.GateReport> report = new dev.sluice.rollout.OfflineGate(set.minCandidatePassRate(),
        set.maxPassRateDrop(), time, prices).runAsync(route.baseline(), release, set.cases());
    TimeSource.Scheduled timeout = time.schedule(set.timeout(), () -> report.completeExceptionally(new java.util.concurrent.TimeoutException(
        "the offline gate did not finish within " + dev.sluice.internal.HumanDuration.of(set.timeout()))));
    report.whenComplete((r, failure) -> workers.execute(() -> {
      timeout.cancel();
      RolloutControl c = sluice.rollout(route.name());
      if (c.plan() == null || !c.plan().candidate().equals(release.id())) {
        return; // replaced meanwhile: nothing to gate
      }
      try {
        if (r != null) {
          c.recordGate(r, "sluice");
          if (!r.passed()) {
            c.rollback("sluice", "offline gate failed: " + r.summary());
          }
        } else {
          Throwable why = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
          c.rollback("sluice", "offline gate failed: " + (why == null ? "no report" : why.getMessage()));
        }
      } catch (RuntimeException e) {
        log.warn("route {}: the offline gate of release {} could not be recorded", route.name(), release.id(), e);
      }
    }));
  }

  // ---- following rollouts --------------------------------------------------------------------

  /**
   * Told of every rollout change: a published release whose rollout reached its full stage is
   * promoted, one rolled back is marked; each through the log, so the fleet follows. Off the
   * rollout's own thread and lock.
   */
  void onRollout(RolloutEvent e) {
    boolean promoted = e.kind().equals("advanced") || e.kind().equals("forced_advance");
    if (!promoted && !e.kind().equals("rolled_back")) {
      return;
    }
    time.schedule(Duration.ZERO, () -> workers.execute(() -> {
      try {
        synchronized (this) {
          RouteReleases rr = routes.get(e.route());
          RolloutControl c = sluice.rollout(e.route());
          String id = rr == null ? null : rr.candidate;
          if (id == null || c.plan() == null || !id.equals(c.plan().candidate())) {
            return;
          }
          if (promoted && c.stage() != null && c.stage().kind() == StageKind.FULL && !c.state().rolledBack()) {
            append(entry("promote", e.route(), id, e.who(), "its rollout reached stage " + c.stage().name() + ": " + e.why()));
          } else if (!promoted) {
            append(entry("rolled_back", e.route(), id, e.who(), e.why()));
          }
        }
      } catch (RuntimeException ex) {
        log.warn("route {}: could not record the end of release rollout ({})", e.route(), e.kind(), ex);
      }
    }));
  }

  // ---- helpers -------------------------------------------------------------------------------

  private RouteReleases route(String route) {
    RouteReleases rr = routes.get(Objects.requireNonNull(route, "route"));
    if (rr == null) {
      throw new InvalidConfigurationException("route", route, "one of this Sluice's routes " + routes.keySet()
          + " (releases are published to routes the service already has)");
    }
    return rr;
  }

  private ObjectNode entry(String kind, String route, String release, String who, String why) {
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", kind);
    n.put("route", route);
    n.put("release", release);
    n.put("who", bounded("who", who, MAX_WHO_CHARS));
    n.put("why", bounded("why", why, MAX_WHY_CHARS));
    n.put("at", time.now().toString());
    return n;
  }

  private static String bounded(String field, @Nullable String value, int max) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("a release change needs " + field + " (not blank)");
    }
    if (value.length() > max) {
      throw new IllegalArgumentException("a release change's " + field + " has at most " + max + " characters; got " + value.length());
    }
    return value;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  private ReleaseEvent refused(String route, String id, String who, String why) {
    Variant v = routes.containsKey(route) ? routes.get(route).known.get(id) : null;
    return record(new ReleaseEvent(at(), route, id, "refused", who, why, v == null ? "" : v.fingerprint(),
        v == null ? "" : v.labels().promptVersion().orElse("")));
  }

  private ReleaseEvent event(String route, Variant v, String kind, String who, String why) {
    return record(new ReleaseEvent(at(), route, v.id(), kind, who, why, v.fingerprint(), v.labels().promptVersion().orElse("")));
  }

  /** The time of the entry being applied, else now. */
  private Instant at() {
    Instant a = entryAt;
    return a != null ? a : time.now();
  }

  private @Nullable ReleaseEvent lastEvent(String route, String id, String kind) {
    RouteReleases rr = route(route);
    for (java.util.Iterator<ReleaseEvent> it = rr.history.descendingIterator(); it.hasNext(); ) {
      ReleaseEvent e = it.next();
      if (e.release().equals(id) && e.kind().equals(kind)) {
        return e;
      }
    }
    return null;
  }

  private ReleaseEvent record(ReleaseEvent e) {
    RouteReleases rr = routes.get(e.route());
    if (rr != null && e.kind().equals("refused") && !rr.history.isEmpty()) {
      ReleaseEvent last = rr.history.peekLast();
      if (last.kind().equals("refused") && last.release().equals(e.release()) && last.why().equals(e.why())) {
        return e; // the same refusal again (a release file waiting its turn): recorded once
      }
    }
    if (rr != null && !e.why().startsWith("unchanged:")) {
      rr.history.addLast(e);
      if (rr.history.size() > HISTORY) {
        rr.history.removeFirst();
      }
    }
    if (e.kind().equals("refused") && e.why().startsWith(WAITS)) {
      log.info("route {}: release {} waits: {}", e.route(), e.release(), e.why());
    } else if (e.kind().equals("refused")) {
      log.warn("route {}: release {} refused: {}", e.route(), e.release(), e.why());
    }
    if (!e.why().startsWith("unchanged:")) {
      for (Consumer<ReleaseEvent> l : listeners) {
        try {
          l.accept(e);
        } catch (RuntimeException ex) {
          log.warn("a release listener failed on {} of route {}", e.kind(), e.route(), ex);
        }
      }
    }
    return e;
  }
}
