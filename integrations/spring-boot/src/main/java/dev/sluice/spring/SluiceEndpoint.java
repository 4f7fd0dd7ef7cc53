package dev.sluice.spring;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.release.Variant;
import dev.sluice.budget.BudgetStanding;
import dev.sluice.RolloutControl;
import dev.sluice.rollout.RolloutEvent;
import dev.sluice.rollout.RolloutState;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.Toggles;
import dev.sluice.rollout.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.security.Principal;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code sluice} actuator endpoint: each route's rollout stage and state, toggles, last
 * verdict and decision history, circuit breaker states and budget standing; and the toggle
 * operations. Like every actuator endpoint it is reachable over HTTP only if the application
 * exposes it ({@code management.endpoints.web.exposure.include=sluice}); protect it as an
 * operator tool, or make it read-only with {@code management.endpoint.sluice.access=read-only}.
 *
 * <pre>
 * GET  /actuator/sluice                       every route
 * GET  /actuator/sluice/support-answer        one route
 * POST /actuator/sluice/support-answer        {"action": "percent", "percent": 5, "who": "ann", "why": "INC-1"}
 * POST /actuator/sluice/support-answer        {"action": "publish", "release": "id: support-v9\nmodel: ...", "why": "shorter"}
 * POST /actuator/sluice/support-answer        {"action": "rollback_to", "variant": "support-v7", "why": "INC-2"}
 * </pre>
 *
 * <p>Actions: {@code kill}, {@code kill_to_fallback}, {@code unkill}, {@code pin} (with {@code
 * variant}), {@code unpin}, {@code percent} (with {@code percent}; none clears the override),
 * {@code pause}, {@code resume}, {@code advance}, {@code rollback}; {@code publish} (with {@code
 * release}, a release document in YAML or JSON whose {@code route} may be left out) makes a new
 * release the candidate, {@code rollback_to} (with {@code variant}, an earlier release's id) makes
 * it the baseline at once. Each route's description lists its releases and their history.
 */
@Endpoint(id = "sluice")
public class SluiceEndpoint {

  static final List<String> ACTIONS = List.of("kill", "kill_to_fallback", "unkill", "pin", "unpin", "percent", "pause", "resume",
      "advance", "force_advance", "rollback", "publish", "rollback_to");

  private final Sluice sluice;

  public SluiceEndpoint(Sluice sluice) {
    this.sluice = sluice;
  }

  @ReadOperation
  public Map<String, Object> routes() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : sluice.routes().keySet()) {
      out.put(name, describe(name));
    }
    return Map.of("routes", out);
  }

  @ReadOperation
  public Map<String, Object> route(@Selector String route) {
    return describe(known(route));
  }

  /**
   * Applies a toggle operation and answers with the route as it is after it. Only {@code action} is
   * required. Who acted is the authenticated principal when there is one (what the request says in
   * {@code who} is then ignored: a caller cannot sign as someone else); without authentication it
   * is {@code who}, or {@code actuator}.
   */
  @WriteOperation
  public Map<String, Object> toggle(@Selector String route, String action, @org.springframework.lang.Nullable String variant,
      @org.springframework.lang.Nullable Double percent, @org.springframework.lang.Nullable String who,
      @org.springframework.lang.Nullable String why, @org.springframework.lang.Nullable String release, SecurityContext security) {
    RolloutControl control = sluice.rollout(known(route));
    Principal principal = security.getPrincipal();
    String by = principal != null ? principal.getName() : who == null || who.isBlank() ? "actuator" : who;
    String reason = why == null || why.isBlank() ? "set through the sluice actuator endpoint" : why;
    String a = action.toLowerCase(Locale.ROOT);
    try {
      switch (a) {
        case "kill" -> control.kill(false, by, reason);
        case "kill_to_fallback" -> control.kill(true, by, reason);
        case "unkill" -> control.unkill(by, reason);
        case "pin" -> {
          if (variant == null) {
            throw new InvalidEndpointRequestException("pin needs a variant, one of " + sluice.route(route).variants().keySet(), "missing variant");
          }
          control.pin(variant, by, reason);
        }
        case "unpin" -> control.unpin(by, reason);
        case "percent" -> control.percent(percent, by, reason);
        case "pause" -> control.pause(by, reason);
        case "resume" -> control.resume(by, reason);
        case "advance" -> control.advance(by, reason);
        case "force_advance" -> {
          if (why == null || why.isBlank()) {
            throw new InvalidEndpointRequestException("force_advance needs a reason in 'why'; it is recorded with who forced it",
                "missing why");
          }
          control.forceAdvance(by, reason);
        }
        case "rollback" -> control.rollback(by, reason);
        case "publish" -> {
          if (release == null || release.isBlank()) {
            throw new InvalidEndpointRequestException("publish needs the release document (YAML or JSON) in 'release'", "missing release");
          }
          sluice.releases().publish(document(route, release), by, reason);
        }
        case "rollback_to" -> {
          if (variant == null) {
            throw new InvalidEndpointRequestException("rollback_to needs the earlier release's id in 'variant', one of "
                + sluice.releases().releases(route).keySet(), "missing variant");
          }
          sluice.releases().rollbackTo(route, variant, by, reason);
        }
        default -> throw new InvalidEndpointRequestException("action is '" + action + "'; allowed: " + ACTIONS, "unknown action");
      }
    } catch (IllegalArgumentException | IllegalStateException | dev.sluice.outcome.InvalidConfigurationException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
    }
    return describe(route);
  }

  /** The release document, its route filled in from the path when it names none. */
  private static dev.sluice.ReleaseDefinition document(String route, String text) {
    com.fasterxml.jackson.databind.JsonNode tree;
    try {
      tree = dev.sluice.config.SluiceConfiguration.parse(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.has("route")) {
      o.put("route", route);
    } else if (tree != null && tree.has("route") && !tree.get("route").asText().equals(route)) {
      throw new InvalidEndpointRequestException("the release is for route '" + tree.get("route").asText() + "', not '" + route + "'",
          "wrong route");
    }
    return dev.sluice.ReleaseDefinition.parse(String.valueOf(tree));
  }

  private String known(String route) {
    if (!sluice.routes().containsKey(route)) {
      throw new InvalidEndpointRequestException("unknown route '" + route + "'; known routes: " + sluice.routes().keySet(), "unknown route");
    }
    return route;
  }

  private Map<String, Object> describe(String name) {
    Route route = sluice.route(name);
    RolloutControl control = sluice.rollout(name);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("baseline", route.baseline().id());
    Map<String, Object> variants = new LinkedHashMap<>();
    for (Variant v : route.variants().values()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("model", v.model());
      d.put("labels", v.labels().asMap());
      d.put("breaker", sluice.circuitBreaker(name, v.id()).getState().name().toLowerCase(Locale.ROOT));
      variants.put(v.id(), d);
    }
    out.put("variants", variants);
    if (control.plan() != null) {
      out.put("candidate", control.plan().candidate());
      Stage stage = control.stage();
      RolloutState state = control.state();
      Map<String, Object> rollout = new LinkedHashMap<>();
      rollout.put("stage", stage == null ? null : stage.name());
      rollout.put("stage_index", state.stageIndex());
      rollout.put("stages", control.plan().stages().stream().map(Stage::name).toList());
      rollout.put("candidate_percent", control.candidatePercent());
      rollout.put("candidate_calls_in_stage", control.candidateCallsInStage());
      rollout.put("entered_at", state.enteredAt().toString());
      rollout.put("paused", state.paused());
      rollout.put("rolled_back", state.rolledBack());
      rollout.put("reason", state.reason());
      out.put("rollout", rollout);
    }
    Toggles t = control.toggles();
    Map<String, Object> toggles = new LinkedHashMap<>();
    toggles.put("killed", t.killed());
    toggles.put("kill_to_fallback", t.killToFallback());
    toggles.put("pinned", t.pinned());
    toggles.put("percent_override", t.percentOverride());
    out.put("toggles", toggles);
    Verdict v = control.lastVerdict();
    out.put("last_verdict", v == null ? null : Map.of("decision", v.decision().name().toLowerCase(Locale.ROOT), "reason", v.reason(),
        "evidence", v.evidence()));
    out.put("history", control.history().stream().map(SluiceEndpoint::event).toList());
    out.put("releases", sluice.releases().releases(name));
    out.put("release_history", sluice.releases().history(name).stream().map(SluiceEndpoint::release).toList());
    out.put("budgets", sluice.budgetStandings(name).stream().map(SluiceEndpoint::budget).toList());
    return out;
  }

  private static Map<String, Object> event(RolloutEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", e.at().toString());
    m.put("kind", e.kind());
    m.put("stage", e.stage());
    m.put("who", e.who());
    m.put("why", e.why());
    return m;
  }

  private static Map<String, Object> release(dev.sluice.release.ReleaseEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", e.at().toString());
    m.put("release", e.release());
    m.put("kind", e.kind());
    m.put("who", e.who());
    m.put("why", e.why());
    m.put("fingerprint", e.fingerprint());
    m.put("prompt_version", e.promptVersion());
    return m;
  }

  private static Map<String, Object> budget(BudgetStanding b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scope", b.cap().scope().tag());
    m.put("period", b.cap().period().tag());
    m.put("limit", b.cap().format(b.cap().limit()));
    m.put("spent", b.cap().format(b.spent()));
    m.put("reserved", b.cap().format(b.reserved()));
    m.put("remaining_fraction", b.remainingFraction());
    m.put("resets_at", b.resetsAt().toString());
    return m;
  }
}
