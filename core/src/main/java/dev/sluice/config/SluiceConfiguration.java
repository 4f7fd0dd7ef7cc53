package dev.sluice.config;

import dev.sluice.model.ClientResolver;
import static dev.sluice.internal.ConfigNodes.duration;
import static dev.sluice.internal.ConfigNodes.integer;
import static dev.sluice.internal.ConfigNodes.object;
import static dev.sluice.internal.ConfigNodes.onlyKnown;
import static dev.sluice.internal.ConfigNodes.path;
import static dev.sluice.internal.ConfigNodes.text;
import static dev.sluice.internal.ConfigNodes.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.internal.config.Documents;
import dev.sluice.FallbackLink;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.rollout.StageGate;
import dev.sluice.release.Variant;
import dev.sluice.internal.config.BudgetConfig;
import dev.sluice.internal.config.ResilienceConfig;
import dev.sluice.internal.config.VariantConfig;
import dev.sluice.rollout.RolloutNotes;
import dev.sluice.time.TimeSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Routes, variants, policies, budgets and rollout plans from one YAML or JSON document (the
 * Spring Boot starter reads the same schema under {@code sluice:} in {@code application.yml}).
 * Each route's {@code rollout} is a rollout note without its {@code route} field. Every mistake
 * fails with an {@link InvalidConfigurationException} naming the field's path and what it allows.
 *
 * <pre>{@code
 * routes:
 *   - name: support-answer
 *     resilience: {deadline: 20s, attempt_timeout: 8s, max_attempts: 3}
 *     budget: {caps: [{scope: tenant, period: day, usd: "10.00"}], zone: Europe/Paris}
 *     variants:
 *       - id: v1
 *         model: gpt-4o-mini
 *         client: {provider: openai, base_url: "https://api.openai.com/v1", api_key_env: OPENAI_API_KEY}
 *         labels: {prompt_version: support-v7}
 *       - id: v2
 *         model: gpt-4.1-mini
 *         client: {ref: openAiClient}
 *         system_prompt: You are a concise support agent.
 *         labels: {prompt_version: support-v8}
 *     golden_set: {file: golden/support.jsonl, min_pass_rate: 0.9, max_pass_rate_drop: 0.05}  # gates each published release
 *     release_plan:                  # what releases published at runtime roll out under
 *       stages: [{kind: offline_gate}, {kind: canary, percent: 1}, {kind: full}]
 *       metrics: {error_rate: 0.5}
 *     rollout:
 *       candidate: v2
 *       stages: [{kind: canary, percent: 1}, {kind: percent, percent: 25}, {kind: full}]
 *       metrics: {error_rate: 0.5}
 *     fallback:                      # needs sluice-fallback on the classpath
 *       - {kind: backup_variant, variant: v1, on: [timeout, circuit_open, model_error]}
 *       - {kind: cache, maximum_size: 10000, expire_after_write: 1h}
 *       - {kind: fixed, text: "We cannot answer right now; support@example.com will."}
 * budgets:
 *   - {scope: global, period: month, usd: "5000"}
 * evaluate_every: 10s
 * stage_gate: judge                  # the default with metrics; exposure or manual to opt out of judging
 * releases:                          # releases published at runtime; see Releases
 *   directory: /etc/sluice/releases  # one YAML or JSON release per file, read every poll
 *   poll: 5s
 *   on_changed_prompt: refuse        # or derive_version
 * fleet:                             # needs sluice-redis on the classpath; see FleetProvider
 *   kind: redis
 *   uri_env: SLUICE_REDIS_URI
 * }</pre>
 *
 * <pre>{@code
 * Sluice sluice = SluiceConfiguration.read(Files.newInputStream(path), ClientResolver.none())
 *     .meterRegistry(registry)
 *     .build();
 * }</pre>
 */
public final class SluiceConfiguration {

  /** The largest configuration document read. */
  public static final int MAX_DOCUMENT_BYTES = 1 << 20;
  /** The largest golden set file a route's {@code golden_set} names. */
  public static final long MAX_GOLDEN_SET_BYTES = 64L << 20;
  /** The deepest nesting of a configuration document. */
  public static final int MAX_DEPTH = Documents.MAX_DEPTH;
  private static final Set<String> ROOT = Set.of("routes", "budgets", "evaluate_every", "stage_gate", "fleet", "releases");
  private static final Set<String> ROUTE = Set.of("name", "variants", "baseline", "resilience", "budget", "rollout", "release_plan",
      "golden_set", "fallback", "max_input_chars", "stream_hold_back_chars");
  private static final Set<String> RELEASES = Set.of("directory", "poll", "on_changed_prompt");
  private static final Set<String> GOLDEN_SET = Set.of("file", "min_pass_rate", "max_pass_rate_drop", "timeout");

  private final ClientResolver clients;
  private final List<RouteCustomizer> customizers;
  private final TimeSource time;
  private final Function<String, String> environment;
  private final ApplicationObjects objects;

  private SluiceConfiguration(ClientResolver clients, List<RouteCustomizer> customizers, TimeSource time, Function<String, String> environment,
      ApplicationObjects objects) {
    this.clients = clients;
    this.customizers = customizers;
    this.time = time;
    this.environment = environment;
    this.objects = objects;
  }

  /**
   * A builder of the configured Sluice, read from YAML or JSON: at most {@value #MAX_DOCUMENT_BYTES}
   * bytes nested at most {@value #MAX_DEPTH} deep, no duplicate keys, no YAML aliases (Jackson
   * would read an alias as its anchor's name, silently).
   */
  public static Sluice.Builder read(InputStream in, ClientResolver clients) throws IOException {
    return fromTree(parse(in), clients, List.of(), TimeSource.system(), System::getenv);
  }

  /** Parses a configuration document within the limits {@link #read} names; every failure names where. */
  public static JsonNode parse(InputStream in) throws IOException {
    return Documents.parse(in, MAX_DOCUMENT_BYTES, "sluice configuration");
  }

  /** A builder of the configured Sluice, read from a YAML or JSON string. */
  public static Sluice.Builder readString(String yaml, ClientResolver clients) {
    try {
      return read(new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), clients);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A builder of the configured Sluice from a parsed tree.
   *
   * @param customizers applied to each route before it is built (guardrails, fallback links)
   * @param time the time source simulated and HTTP clients use (set the same on the returned builder)
   * @param environment looks up {@code api_key_env} variables
   */
  public static Sluice.Builder fromTree(JsonNode root, ClientResolver clients, List<RouteCustomizer> customizers, TimeSource time,
      Function<String, String> environment) {
    return fromTree(root, clients, customizers, time, environment, ApplicationObjects.none());
  }

  /**
   * The same, with objects the application already has (in Spring, its beans) that configured parts
   * may use: the fleet's Redis client, for one.
   */
  public static Sluice.Builder fromTree(JsonNode root, ClientResolver clients, List<RouteCustomizer> customizers, TimeSource time,
      Function<String, String> environment, ApplicationObjects objects) {
    // A copy: field names spelled another way are renamed to the schema's as they are read.
    JsonNode tree = root == null ? null : root.deepCopy();
    return new SluiceConfiguration(Objects.requireNonNull(clients, "clients"), List.copyOf(customizers), time, environment,
        Objects.requireNonNull(objects, "objects")).builder(tree);
  }

  /**
   * The Sluice a configuration file describes, built: the file of {@link #read}, or a Spring Boot
   * {@code application.yml} whose {@code sluice:} section holds it (the README's Spring YAML builds
   * the same Sluice with or without Spring). Clients are the file's own ({@code simulated},
   * {@code openai}, ...); {@code api_key_env} reads the process environment.
   */
  public static Sluice load(java.nio.file.Path file) throws IOException {
    return load(file, ClientResolver.none());
  }

  /** The same, with {@code client: {ref: name}} resolved by {@code clients}. */
  public static Sluice load(java.nio.file.Path file, ClientResolver clients) throws IOException {
    try (InputStream in = java.nio.file.Files.newInputStream(file)) {
      return read(in, clients).build();
    }
  }

  private Sluice.Builder builder(@org.jspecify.annotations.Nullable JsonNode document) {
    // An application.yml: Sluice's section, beside whatever else the application configures.
    JsonNode root = document != null && document.isObject() && document.has("sluice") && !document.has("routes")
        ? document.get("sluice") : document;
    if (root == null || !root.isObject()) {
      throw new InvalidConfigurationException("sluice configuration", "must be an object with routes");
    }
    onlyKnown(root, ROOT, "", "a Sluice configuration");
    JsonNode routes = root.get("routes");
    if (routes == null || !routes.isArray() || routes.isEmpty()) {
      throw new InvalidConfigurationException("routes", routes == null ? null : routes.toString(), "a list of at least one route");
    }
    Sluice.Builder b = Sluice.builder().timeSource(time).releaseClients(clients);
    for (int i = 0; i < routes.size(); i++) {
      String path = "routes[" + i + "]";
      JsonNode route = routes.get(i);
      b.route(within(path, () -> route(route, path)));
    }
    within("budgets", () -> BudgetConfig.caps(root.get("budgets"), "budgets")).forEach(b::budget);
    if (root.has("evaluate_every")) b.evaluateRolloutsEvery(duration(root, "evaluate_every", ""));
    if (root.has("stage_gate")) {
      // The judge is the default for plans with metrics; a plan without any needs a gate chosen here.
      String gate = root.get("stage_gate").asText("");
      switch (gate) {
        case "judge" -> { }
        case "exposure" -> b.stageGate(StageGate.EXPOSURE);
        case "manual" -> b.stageGate(StageGate.MANUAL);
        default -> throw new InvalidConfigurationException("stage_gate", gate, "judge (the default when a plan has metrics), "
            + "exposure (promote on exposure alone) or manual (only a person advances)");
      }
    }
    if (root.has("fleet")) {
      fleet(root.get("fleet"), b);
    }
    JsonNode releases = object(root, "releases", "", "{directory, poll, on_changed_prompt}");
    if (releases != null) {
      releases(releases, b);
    }
    return b;
  }

  /** A route's {@code golden_set}: a JSON Lines file of cases and the gate's thresholds. */
  private static dev.sluice.rollout.GoldenSet goldenSet(JsonNode n, String path) {
    onlyKnown(n, GOLDEN_SET, path, "a golden set");
    java.nio.file.Path file = java.nio.file.Path.of(text(n, "file", true, path));
    double min = n.has("min_pass_rate") ? dev.sluice.internal.ConfigNodes.number(n, "min_pass_rate", path) : 0.9;
    double drop = n.has("max_pass_rate_drop") ? dev.sluice.internal.ConfigNodes.number(n, "max_pass_rate_drop", path) : 0.05;
    Duration timeout = n.has("timeout") ? duration(n, "timeout", path) : dev.sluice.rollout.GoldenSet.DEFAULT_TIMEOUT;
    java.util.List<dev.sluice.rollout.GoldenCase> cases;
    try (InputStream in = java.nio.file.Files.newInputStream(file)) {
      if (java.nio.file.Files.size(file) > MAX_GOLDEN_SET_BYTES) {
        throw new InvalidConfigurationException(path(path, "file"), file.toString(), "a golden set of at most " + MAX_GOLDEN_SET_BYTES
            + " bytes");
      }
      cases = dev.sluice.rollout.GoldenCase.readJsonl(in);
    } catch (IOException e) {
      throw new InvalidConfigurationException(path(path, "file"), file.toString(), "a readable JSON Lines file of golden cases ("
          + e.getClass().getSimpleName() + ")");
    }
    return within(path, () -> new dev.sluice.rollout.GoldenSet(cases, min, drop, timeout));
  }

  /** The {@code releases} section: a watched directory of release files, and the policy for a changed prompt. */
  private static void releases(JsonNode n, Sluice.Builder b) {
    onlyKnown(n, RELEASES, "releases", "the releases section");
    if (n.has("directory")) {
      java.nio.file.Path dir = java.nio.file.Path.of(text(n, "directory", true, "releases"));
      Duration every = n.has("poll") ? duration(n, "poll", "releases") : Duration.ofSeconds(5);
      within("releases", () -> b.releaseDirectory(dir, every));
    } else if (n.has("poll")) {
      throw new InvalidConfigurationException("releases.poll", "applies to a release directory; give releases.directory too");
    }
    if (n.has("on_changed_prompt")) {
      String policy = text(n, "on_changed_prompt", true, "releases");
      switch (policy) {
        case "refuse" -> b.onChangedPrompt(dev.sluice.Releases.OnChangedPrompt.REFUSE);
        case "derive_version" -> b.onChangedPrompt(dev.sluice.Releases.OnChangedPrompt.DERIVE_VERSION);
        default -> throw new InvalidConfigurationException("releases.on_changed_prompt", policy,
            "refuse (the default) or derive_version");
      }
    }
  }

  /** The {@code fleet} section: the provider of its kind makes the shared parts; they close with the Sluice. */
  private void fleet(JsonNode n, Sluice.Builder b) {
    if (!n.isObject()) {
      throw new InvalidConfigurationException("fleet", n.toString(), "a fleet section with a kind");
    }
    String kind = text(n, "kind", true, "fleet");
    Map<String, FleetProvider> providers = new TreeMap<>();
    for (FleetProvider p : ServiceLoader.load(FleetProvider.class, SluiceConfiguration.class.getClassLoader())) {
      providers.putIfAbsent(p.kind(), p);
    }
    FleetProvider provider = providers.get(kind);
    if (provider == null) {
      throw new InvalidConfigurationException("fleet.kind", kind, providers.isEmpty()
          ? "none: no fleet kinds are on the classpath; add dev.sluice:sluice-redis" : "one of " + providers.keySet());
    }
    Fleet fleet = within("fleet", () -> provider.create(new FleetSpec(n, time, environment, objects)));
    if (fleet.ledger() != null) {
      b.ledger(fleet.ledger());
    }
    if (fleet.rolloutState() != null) {
      b.rolloutStateStore(fleet.rolloutState());
    }
    if (fleet.evidence() != null) {
      b.judgeEvidence(fleet.evidence());
    }
    if (fleet.toggles() != null) {
      b.toggleSource(fleet.toggles());
    }
    if (fleet.releases() != null) {
      b.releaseStore(fleet.releases());
    }
    fleet.resources().forEach(b::closeWith);
  }

  private List<FallbackLink> fallbackLinks(JsonNode list, String path, String route, List<Variant> variants) {
    if (!list.isArray()) {
      throw new InvalidConfigurationException(path, list.toString(), "a list of fallback links, each with a kind");
    }
    Map<String, FallbackLinkProvider> providers = new TreeMap<>();
    for (FallbackLinkProvider p : ServiceLoader.load(FallbackLinkProvider.class, SluiceConfiguration.class.getClassLoader())) {
      providers.putIfAbsent(p.kind(), p);
    }
    List<FallbackLink> links = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String lp = path + "[" + i + "]";
      JsonNode entry = list.get(i);
      if (!entry.isObject()) {
        throw new InvalidConfigurationException(lp, entry.toString(), "a fallback link with a kind");
      }
      String kind = text(entry, "kind", true, lp);
      FallbackLinkProvider provider = providers.get(kind);
      if (provider == null) {
        throw new InvalidConfigurationException(path(lp, "kind"), kind, providers.isEmpty()
            ? "none: no fallback link kinds are on the classpath; add dev.sluice:sluice-fallback"
            : "one of " + providers.keySet() + " (hand_off needs code: add it with a RouteCustomizer)");
      }
      links.add(within(lp, () -> provider.create(new FallbackLinkSpec(entry, lp, route, time, variants))));
    }
    return links;
  }

  private Route route(JsonNode n, String path) {
    if (!n.isObject()) {
      throw new InvalidConfigurationException(path, n.toString(), "a route with name and variants");
    }
    onlyKnown(n, ROUTE, path, "a route");
    String name = text(n, "name", true, path);
    Route.Builder b = Route.builder(name);
    ResiliencePolicy policy = ResiliencePolicy.DEFAULTS;
    JsonNode resilience = object(n, "resilience", path, "a resilience policy");
    if (resilience != null) {
      policy = ResilienceConfig.read(resilience, ResiliencePolicy.DEFAULTS, path(path, "resilience"));
      b.resilience(policy);
    }
    JsonNode variants = n.get("variants");
    if (variants == null || !variants.isArray() || variants.isEmpty()) {
      throw new InvalidConfigurationException(path(path, "variants"), variants == null ? null : variants.toString(), "a list of at least one variant");
    }
    List<Variant> read = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      String vp = path(path, "variants[" + i + "]");
      JsonNode v = variants.get(i);
      Variant variant = VariantConfig.read(v, vp, clients, time, environment);
      read.add(variant);
      JsonNode own = object(v, "resilience", vp, "a resilience policy");
      if (own != null) {
        b.resilience(variant.id(), ResilienceConfig.readVariant(own, policy.variants(), path(vp, "resilience")));
      }
    }
    String baseline = n.has("baseline") ? text(n, "baseline", true, path) : read.get(0).id();
    if (read.stream().noneMatch(v -> v.id().equals(baseline))) {
      throw new InvalidConfigurationException(path(path, "baseline"), baseline, "the id of one of the route's variants " + read.stream().map(Variant::id).toList());
    }
    for (Variant v : read) {
      if (v.id().equals(baseline)) {
        b.baseline(v);
      } else {
        b.variant(v);
      }
    }
    if (n.has("max_input_chars")) {
      int chars = integer(n, "max_input_chars", path);
      within(path(path, "max_input_chars"), () -> b.maxInputChars(chars));
    }
    if (n.has("stream_hold_back_chars")) {
      int chars = integer(n, "stream_hold_back_chars", path);
      within(path(path, "stream_hold_back_chars"), () -> b.streamHoldBackChars(chars));
    }
    JsonNode budget = object(n, "budget", path, "a route budget with caps");
    if (budget != null) {
      b.budget(BudgetConfig.policy(budget, path(path, "budget")));
    }
    JsonNode rollout = object(n, "rollout", path, "a rollout note: candidate, stages, metrics, ...");
    if (rollout != null) {
      ObjectNode note = rollout.deepCopy();
      if (note.has("route") && !note.get("route").asText().equals(name)) {
        throw new InvalidConfigurationException(path(path, "rollout.route"), note.get("route").asText(), "absent or the route's own name '" + name + "'");
      }
      note.put("route", name);
      b.rollout(within(path(path, "rollout"), () -> RolloutNotes.fromTree(note)));
    }
    JsonNode releasePlan = object(n, "release_plan", path, "a rollout note without a candidate: stages, metrics, ...");
    if (releasePlan != null) {
      ObjectNode note = releasePlan.deepCopy();
      if (note.has("route") && !note.get("route").asText().equals(name)) {
        throw new InvalidConfigurationException(path(path, "release_plan.route"), note.get("route").asText(), "absent or the route's own name '" + name + "'");
      }
      if (note.has("candidate")) {
        throw new InvalidConfigurationException(path(path, "release_plan.candidate"), "is each published release's own id; leave it out");
      }
      note.put("route", name);
      note.put("candidate", "next-release");
      b.releasePlan(within(path(path, "release_plan"), () -> RolloutNotes.fromTree(note)));
    }
    JsonNode golden = object(n, "golden_set", path, "{file, min_pass_rate, max_pass_rate_drop, timeout}");
    if (golden != null) {
      b.goldenSet(goldenSet(golden, path(path, "golden_set")));
    }
    JsonNode fallback = n.get("fallback");
    if (fallback != null && !fallback.isNull()) {
      b.fallback(fallbackLinks(fallback, path(path, "fallback"), name, read).toArray(FallbackLink[]::new));
    }
    customizers.forEach(c -> c.customize(name, b));
    return within(path, b::build);
  }
}
