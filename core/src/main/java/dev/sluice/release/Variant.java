package dev.sluice.release;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.internal.Checks;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelClient;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A release unit of a route: the model client, the model and its parameters, an optional system
 * prompt, and the version labels, all under one id. Promoting or rolling back a variant moves the
 * whole bundle.
 *
 * <pre>{@code
 * Variant v2 = Variant.builder("v2")
 *     .client(openAi)
 *     .model("gpt-4o-mini")
 *     .systemPrompt("You are a concise support agent.")
 *     .parameters(ModelParameters.builder().temperature(0.2).maxOutputTokens(400).build())
 *     .labels(VersionLabels.builder().modelVersion("gpt-4o-mini-2024-07-18").promptVersion("support-v8").build())
 *     .build();
 * }</pre>
 */
public final class Variant {

  private final String id;
  private final ModelClient client;
  private final String model;
  private final ModelParameters parameters;
  private final @Nullable String systemPrompt;
  private final VersionLabels labels;
  /** The system prompt as a message, made once (and one String instance, so its token count is remembered). */
  private final @Nullable ChatMessage system;
  private final String promptFingerprint;
  private final String fingerprint;
  private final Map<String, String> fingerprints;

  private Variant(Builder b) {
    String field = "variant[" + b.id + "]";
    this.id = Checks.id("variant.id", b.id);
    this.client = Checks.present(field + ".client", b.client, "a ModelClient");
    this.model = Checks.present(field + ".model", b.model, "the model name the client sends, e.g. gpt-4o-mini");
    if (model.isBlank()) {
      throw new InvalidConfigurationException(field + ".model", model, "a non-blank model name");
    }
    this.parameters = b.parameters;
    this.systemPrompt = b.systemPrompt;
    this.labels = b.labels;
    this.system = systemPrompt == null ? null : ChatMessage.system(systemPrompt);
    this.promptFingerprint = ContentFingerprint.prompt(systemPrompt, parameters);
    this.fingerprint = ContentFingerprint.release(client.provider(), model, systemPrompt, parameters);
    this.fingerprints = Map.of("fingerprint", fingerprint, "prompt_fingerprint", promptFingerprint);
  }

  /** Both fingerprints as the audit event carries them ({@code details.release}): made once, not per call. */
  public Map<String, String> fingerprints() {
    return fingerprints;
  }

  /**
   * The fingerprint of this variant's content (provider, model, system prompt, parameters; not its
   * id or labels): on every audit event as {@code details.release.fingerprint}, never a meter tag.
   */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * The fingerprint of what the {@code promptVersion} label names: the system prompt and the
   * parameters. A Sluice refuses two variants with one {@code promptVersion} and two of these.
   */
  public String promptFingerprint() {
    return promptFingerprint;
  }

  public static Builder builder(String id) {
    return new Builder(id);
  }

  public String id() {
    return id;
  }

  public ModelClient client() {
    return client;
  }

  /** The model name sent to the provider ({@code gen_ai.request.model}). */
  public String model() {
    return model;
  }

  public ModelParameters parameters() {
    return parameters;
  }

  public Optional<String> systemPrompt() {
    return Optional.ofNullable(systemPrompt);
  }

  public VersionLabels labels() {
    return labels;
  }

  /**
   * The request this variant sends for the application's request: its model, its parameters over
   * the request's, and its system prompt in place of the request's system messages.
   */
  public ChatRequest prepare(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    if (systemPrompt != null) {
      List<ChatMessage> withSystem = new ArrayList<>(messages.size() + 1);
      withSystem.add(system);
      for (ChatMessage m : messages) {
        if (m.role() != Role.SYSTEM) {
          withSystem.add(m);
        }
      }
      messages = withSystem;
    }
    return request.with(model, request.parameters().overriddenBy(parameters), messages);
  }

  @Override
  public String toString() {
    return "Variant[" + id + ", model=" + model + ", provider=" + client.provider() + ", " + labels + "]";
  }

  /** Builds a {@link Variant}; {@link #build()} checks every field. */
  public static final class Builder {
    private final String id;
    private @Nullable ModelClient client;
    private @Nullable String model;
    private ModelParameters parameters = ModelParameters.DEFAULTS;
    private @Nullable String systemPrompt;
    private VersionLabels labels = VersionLabels.NONE;

    private Builder(String id) {
      this.id = id;
    }

    public Builder client(ModelClient client) {
      this.client = client;
      return this;
    }

    public Builder model(String model) {
      this.model = model;
      return this;
    }

    public Builder parameters(ModelParameters parameters) {
      this.parameters = java.util.Objects.requireNonNull(parameters, "parameters");
      return this;
    }

    public Builder systemPrompt(@Nullable String systemPrompt) {
      this.systemPrompt = systemPrompt;
      return this;
    }

    public Builder labels(VersionLabels labels) {
      this.labels = java.util.Objects.requireNonNull(labels, "labels");
      return this;
    }

    public Variant build() {
      return new Variant(this);
    }
  }
}
