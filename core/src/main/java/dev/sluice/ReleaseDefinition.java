package dev.sluice;

import static dev.sluice.internal.ConfigNodes.object;
import static dev.sluice.internal.ConfigNodes.onlyKnown;
import static dev.sluice.internal.ConfigNodes.text;
import static dev.sluice.internal.ConfigNodes.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.ClientResolver;
import dev.sluice.internal.config.Documents;
import dev.sluice.release.Variant;
import dev.sluice.internal.Checks;
import dev.sluice.internal.config.VariantConfig;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.rollout.RolloutNotes;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.time.TimeSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A release as data: the route it is for, its id, model, client, prompt templates, parameters and
 * version labels, and optionally its own rollout plan; read from a YAML or JSON document (a file of
 * a watched release directory, a request to the actuator, an entry of a fleet's release log). The
 * client is a name the application resolves ({@code client: {ref: openAi}}) or a provider's
 * settings, as in the configuration file.
 *
 * <pre>{@code
 * route: support-answer
 * id: support-v9
 * model: gpt-4.1-mini
 * client: {ref: openAi}
 * system_prompt: |
 *   You are Acme's support assistant for {{tenant}}. Answer in JSON.
 * user_prompt: "Customer question: {{question}}"
 * response_format: {type: json_schema, name: answer, schema: {type: object, required: [answer]}}
 * temperature: 0.2
 * max_output_tokens: 400
 * labels: {prompt_version: support-v9, model_version: gpt-4.1-mini-2025-04-14}
 * published_by: ana                  # optional: who, for the history
 * reason: shorter answers, same facts # optional: why
 * rollout:                           # optional: else the route's release plan
 *   stages: [{kind: offline_gate}, {kind: canary, percent: 1}, {kind: full}]
 *   metrics: {error_rate: 0.5}
 * }</pre>
 */
public final class ReleaseDefinition {

  /** The largest release document, in bytes. */
  public static final int MAX_BYTES = 256 * 1024;

  private static final Set<String> FIELDS = Set.of("route", "id", "model", "client", "system_prompt", "user_prompt", "response_format", "temperature",
      "top_p", "max_output_tokens", "seed", "labels", "rollout", "published_by", "reason");

  private final ObjectNode tree;
  private final String route;
  private final String id;

  private ReleaseDefinition(ObjectNode tree) {
    onlyKnown(tree, FIELDS, "", "a release (route, id, model, client, system_prompt, user_prompt, parameters, labels, rollout)");
    this.route = Checks.id("route", text(tree, "route", true, ""));
    this.id = Checks.id("id", text(tree, "id", true, ""));
    text(tree, "model", true, "");
    if (object(tree, "client", "", "{ref: name} or {provider: ...}") == null) {
      throw new InvalidConfigurationException("client", null, "{ref: name} of one of the application's clients, or {provider: ...}");
    }
    object(tree, "rollout", "", "a rollout note: stages, metrics, ...");
    this.tree = tree;
  }

  /**
   * The release a YAML or JSON document describes: at most {@value #MAX_BYTES} bytes.
   *
   * @throws InvalidConfigurationException naming the field that is missing or wrong
   */
  public static ReleaseDefinition parse(String document) {
    Objects.requireNonNull(document, "document");
    try {
      return read(new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same, read from a stream (at most {@value #MAX_BYTES} bytes are read). */
  public static ReleaseDefinition read(InputStream in) throws IOException {
    JsonNode tree = Documents.parse(in, MAX_BYTES, "release");
    if (tree == null || !tree.isObject()) {
      throw new InvalidConfigurationException("release", "must be an object with route, id, model and client");
    }
    return new ReleaseDefinition((ObjectNode) tree);
  }

  /** The release as one line of JSON: what a fleet's release log carries. */
  public String toJson() {
    return tree.toString();
  }

  /** The document as a tree (a copy). */
  public ObjectNode tree() {
    return tree.deepCopy();
  }

  public String route() {
    return route;
  }

  /** The release's id: the variant id calls are labelled with. */
  public String id() {
    return id;
  }

  /** Who published it, if the document says ({@code published_by}). */
  public @Nullable String publishedBy() {
    return tree.hasNonNull("published_by") ? tree.get("published_by").asText() : null;
  }

  /** Why, if the document says ({@code reason}). */
  public @Nullable String reason() {
    return tree.hasNonNull("reason") ? tree.get("reason").asText() : null;
  }

  /** The variant it describes, its client resolved by {@code clients}. */
  public Variant variant(ClientResolver clients, TimeSource time, Function<String, String> environment) {
    ObjectNode v = tree.deepCopy();
    v.remove(java.util.List.of("route", "rollout", "published_by", "reason"));
    return VariantConfig.read(v, "release[" + route + "/" + id + "]", clients, time, environment);
  }

  /** Its own rollout plan, if it has one; the salt defaults to {@code route.id}. */
  public @Nullable RolloutPlan plan() {
    JsonNode note = tree.get("rollout");
    if (note == null || note.isNull()) {
      return null;
    }
    ObjectNode n = note.deepCopy();
    for (String f : new String[] {"route", "candidate"}) {
      String expected = f.equals("route") ? route : id;
      if (n.has(f) && !n.get(f).asText().equals(expected)) {
        throw new InvalidConfigurationException("rollout." + f, n.get(f).asText(), "absent or '" + expected + "'");
      }
      n.put(f, expected);
    }
    return within("rollout", () -> RolloutNotes.fromTree(n));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ReleaseDefinition d && d.tree.equals(tree);
  }

  @Override
  public int hashCode() {
    return tree.hashCode();
  }

  @Override
  public String toString() {
    // Never the prompts: they reach logs through exceptions.
    return "ReleaseDefinition[" + route + "/" + id + "]";
  }
}
