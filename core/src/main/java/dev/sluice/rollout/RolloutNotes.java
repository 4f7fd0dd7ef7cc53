package dev.sluice.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.internal.ConfigNodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes rollout notes: the plan as a person writes it, in JSON or YAML. Unknown fields
 * and wrong values fail with the field's path and what is allowed.
 *
 * <pre>{@code
 * route: support-answer
 * candidate: v8
 * change: new prompt v8 on gpt-4.1-mini
 * owner: support-platform
 * expected_gain: -30% cost per answer at equal quality
 * stages:
 *   - {kind: offline_gate}
 *   - {kind: shadow, sample_rate: 0.2, min_calls: 200}
 *   - {kind: canary, percent: 1, min_calls: 500, min_duration: 2h, max_duration: 1d, at_max: escalate}
 *   - {kind: cohort, name: tenant-acme, cohort: {tenants: [acme]}}
 *   - {kind: percent, percent: 10}
 *   - {kind: full}
 * metrics: {error_rate: 0.5, latency: 0.10, cost: 0.05, quality: 0.03}
 * rollback_triggers: [error rate +0.5 pp, p95 latency +10%]
 * cohort_holdback: 10          # percent of a cohort stage's subjects kept on the baseline, to compare with
 * segments: {by: tenant, values: [acme, globex]}   # also judged one by one
 * dashboard_query: sum by (variant) (rate(sluice_calls_total{route="support-answer"}[5m]))
 * }</pre>
 */
public final class RolloutNotes {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
  private static final Set<String> TOP = Set.of("route", "candidate", "salt", "change", "owner", "expected_gain", "cohort",
      "allow", "deny", "stages", "metrics", "rollback_triggers", "dashboard_query",
      "cohort_holdback", "segments");
  private static final Set<String> SEGMENTS = Set.of("by", "values");
  private static final Set<String> STAGE = Set.of("name", "kind", "percent", "cohort", "sample_rate", "min_calls",
      "min_duration", "max_duration", "at_max");
  private static final Set<String> COHORT = Set.of("tenants", "regions", "plans", "internal");

  private RolloutNotes() {}

  /** Reads a note in YAML (JSON is YAML too). */
  public static RolloutPlan read(InputStream in) throws IOException {
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (JsonProcessingException e) {
      throw new InvalidConfigurationException("rollout note", "is neither valid YAML nor JSON: " + e.getOriginalMessage());
    }
    return fromTree(root);
  }

  public static RolloutPlan readString(String note) {
    try {
      return read(new java.io.ByteArrayInputStream(note.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String toJson(RolloutPlan plan) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toTree(plan));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String toYaml(RolloutPlan plan) {
    try {
      return YAML.writeValueAsString(toTree(plan));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a note already parsed to a tree (as the route configuration file and the Spring starter do). */
  public static RolloutPlan fromTree(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new InvalidConfigurationException("rollout note", "must be an object with route, candidate and stages");
    }
    unknown(root, TOP, "");
    RolloutPlan.Builder b = RolloutPlan.builder(text(root, "route", true), text(root, "candidate", true));
    if (root.has("salt")) b.salt(text(root, "salt", true));
    if (root.has("change")) b.change(text(root, "change", true));
    if (root.has("owner")) b.owner(text(root, "owner", true));
    if (root.has("expected_gain")) b.expectedGain(text(root, "expected_gain", true));
    if (root.has("dashboard_query")) b.dashboardQuery(text(root, "dashboard_query", true));
    if (root.has("cohort")) b.eligibility(cohort(root.get("cohort"), "cohort"));
    strings(root, "allow").forEach(b::allow);
    strings(root, "deny").forEach(b::deny);
    strings(root, "rollback_triggers").forEach(b::rollbackTrigger);
    if (root.has("cohort_holdback")) b.cohortHoldback(number(root, "cohort_holdback", ""));
    JsonNode segments = root.get("segments");
    if (segments != null) {
      if (!segments.isObject()) {
        throw new InvalidConfigurationException("segments", "an object like {by: tenant, values: [acme, globex]}");
      }
      unknown(segments, SEGMENTS, "segments.");
      b.segments(new Segments(text(segments, "by", true, "segments"),
          java.util.List.copyOf(ConfigNodes.strings(segments, "values", "segments"))));
    }
    JsonNode stages = root.get("stages");
    if (stages == null || !stages.isArray() || stages.isEmpty()) {
      throw new InvalidConfigurationException("stages", "a list of at least one stage is required");
    }
    for (int i = 0; i < stages.size(); i++) {
      b.stage(stage(stages.get(i), "stages[" + i + "]"));
    }
    JsonNode metrics = root.get("metrics");
    if (metrics != null) {
      if (!metrics.isObject()) {
        throw new InvalidConfigurationException("metrics", "an object of metric name to margin, e.g. {error_rate: 0.5}");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        b.margin(new MetricMargin(e.getKey(), ConfigNodes.number(metrics, e.getKey(), "metrics")));
      }
    }
    return b.build();
  }

  private static Stage stage(JsonNode n, String path) {
    if (!n.isObject()) {
      throw new InvalidConfigurationException(path, "must be an object with at least a kind");
    }
    unknown(n, STAGE, path + ".");
    String kindText = text(n, "kind", true, path);
    StageKind kind;
    try {
      kind = StageKind.valueOf(kindText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(path + ".kind", kindText,
          "one of offline_gate, shadow, canary, cohort, percent, full");
    }
    double percent = n.has("percent") ? number(n, "percent", path) : 0;
    Stage s = switch (kind) {
      case OFFLINE_GATE -> Stage.offlineGate();
      case SHADOW -> Stage.shadow(n.has("sample_rate") ? number(n, "sample_rate", path) : 0.1);
      case CANARY -> Stage.canary(percent);
      case COHORT -> Stage.cohort(n.has("name") ? text(n, "name", true, path) : "cohort",
          n.has("cohort") ? cohort(n.get("cohort"), path + ".cohort") : CohortRule.NOBODY);
      case PERCENT -> Stage.percent(percent);
      case FULL -> Stage.full();
    };
    if (n.has("name")) s = s.named(text(n, "name", true, path));
    if (n.has("min_calls")) s = s.minCalls((long) number(n, "min_calls", path));
    if (n.has("min_duration")) s = s.minDuration(duration(n, "min_duration", path));
    if (n.has("max_duration")) {
      String at = n.has("at_max") ? text(n, "at_max", true, path) : "hold";
      AtMaxDuration action;
      try {
        action = AtMaxDuration.valueOf(at.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationException(path + ".at_max", at, "one of hold, rollback, escalate");
      }
      s = s.maxDuration(duration(n, "max_duration", path), action);
    }
    return s;
  }

  private static CohortRule cohort(JsonNode n, String path) {
    if (!n.isObject()) {
      throw new InvalidConfigurationException(path, "must be an object of tenants, regions, plans and internal");
    }
    unknown(n, COHORT, path + ".");
    Boolean internal = null;
    if (n.has("internal")) {
      internal = ConfigNodes.bool(n, "internal", path);
    }
    return new CohortRule(strings(n, "tenants"), strings(n, "regions"), strings(n, "plans"), internal);
  }

  private static void unknown(JsonNode n, Set<String> known, String prefix) {
    ConfigNodes.onlyKnown(n, known, prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix, "a rollout note here");
  }

  private static String text(JsonNode n, String field, boolean required) {
    return ConfigNodes.text(n, field, required, "");
  }

  private static String text(JsonNode n, String field, boolean required, String path) {
    return ConfigNodes.text(n, field, required, path);
  }

  private static double number(JsonNode n, String field, String path) {
    return ConfigNodes.number(n, field, path);
  }

  private static Set<String> strings(JsonNode n, String field) {
    return ConfigNodes.strings(n, field, "");
  }

  static Duration duration(JsonNode n, String field, String path) {
    return ConfigNodes.duration(n, field, path);
  }

  static ObjectNode toTree(RolloutPlan p) {
    ObjectNode root = JSON.createObjectNode();
    root.put("route", p.route()).put("candidate", p.candidate()).put("salt", p.salt());
    root.put("change", p.change()).put("owner", p.owner()).put("expected_gain", p.expectedGain());
    if (p.eligibility() != null) {
      root.set("cohort", cohortTree(p.eligibility()));
    }
    p.allow().stream().sorted().forEach(root.withArray("allow")::add);
    p.deny().stream().sorted().forEach(root.withArray("deny")::add);
    ArrayNode stages = root.putArray("stages");
    for (Stage s : p.stages()) {
      ObjectNode n = stages.addObject();
      n.put("name", s.name()).put("kind", s.kind().name().toLowerCase(Locale.ROOT));
      if (s.kind() == StageKind.CANARY || s.kind() == StageKind.PERCENT) n.put("percent", s.percent());
      if (s.kind() == StageKind.COHORT) n.set("cohort", cohortTree(s.cohort()));
      if (s.kind() == StageKind.SHADOW) n.put("sample_rate", s.shadowSampleRate());
      n.put("min_calls", s.minCandidateCalls());
      n.put("min_duration", s.minDuration().toString());
      if (!s.maxDuration().equals(Stage.ChronoForever.FOREVER)) {
        n.put("max_duration", s.maxDuration().toString());
        n.put("at_max", s.atMax().name().toLowerCase(Locale.ROOT));
      }
    }
    ObjectNode metrics = root.putObject("metrics");
    p.margins().forEach(m -> metrics.put(m.metric(), m.margin()));
    p.rollbackTriggers().forEach(root.withArray("rollback_triggers")::add);
    root.put("dashboard_query", p.dashboardQuery());
    root.put("cohort_holdback", p.cohortHoldback());
    Segments segments = p.segments();
    if (segments != null) {
      ObjectNode n = root.putObject("segments");
      n.put("by", segments.attribute());
      segments.values().forEach(n.withArray("values")::add);
    }
    return root;
  }

  private static ObjectNode cohortTree(CohortRule r) {
    ObjectNode n = JSON.createObjectNode();
    r.tenants().stream().sorted().forEach(n.withArray("tenants")::add);
    r.regions().stream().sorted().forEach(n.withArray("regions")::add);
    r.plans().stream().sorted().forEach(n.withArray("plans")::add);
    if (r.internal() != null) n.put("internal", r.internal());
    return n;
  }
}
