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
 * A release unit of a route: the model client, the model and its parameters, optional system and
 * user prompt templates and response format, and the version labels, all under one id. Promoting
 * or rolling back a variant moves the
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
  private final @Nullable PromptTemplate systemTemplate;
  private final @Nullable PromptTemplate userTemplate;
  private final dev.sluice.model.@Nullable ResponseFormat responseFormat;
  private final java.util.Set<String> variables;
  private final VersionLabels labels;
  /** The system prompt as a message when it has no variables, made once (one String instance, so its token count is remembered). */
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
    this.systemTemplate = systemPrompt == null ? null : within(field + ".system_prompt", systemPrompt);
    this.userTemplate = b.userPrompt == null ? null : within(field + ".user_prompt", b.userPrompt);
    java.util.Set<String> names = new java.util.TreeSet<>();
    if (systemTemplate != null) {
      names.addAll(systemTemplate.variables());
    }
    if (userTemplate != null) {
      names.addAll(userTemplate.variables());
    }
    this.variables = java.util.Collections.unmodifiableSet(names);
    this.system = systemPrompt == null || systemTemplate == null || !systemTemplate.isConstant() ? null : ChatMessage.system(systemPrompt);
    this.responseFormat = b.responseFormat;
    String format = ContentFingerprint.responseFormat(responseFormat);
    this.promptFingerprint = ContentFingerprint.prompt(systemPrompt, b.userPrompt, format, parameters);
    this.fingerprint = ContentFingerprint.release(client.provider(), model, systemPrompt, b.userPrompt, format, parameters);
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

  private static PromptTemplate within(String field, String text) {
    if (text.length() > PromptTemplate.MAX_CHARS) {
      throw new InvalidConfigurationException(field, "has " + text.length() + " characters; at most " + PromptTemplate.MAX_CHARS);
    }
    return PromptTemplate.of(text);
  }

  /**
   * The template variables this variant's prompts name ({@code {{tenant}}}, {@code {{question}}}),
   * sorted; empty when its prompts are plain text.
   */
  public java.util.Set<String> variables() {
    return variables;
  }

  /** The response format this release asks for when the request asks for plain text, if any. */
  public Optional<dev.sluice.model.ResponseFormat> responseFormat() {
    return Optional.ofNullable(responseFormat);
  }

  /** The template of the last user message ({@code {{question}}} is the message as the caller wrote it), if any. */
  public Optional<PromptTemplate> userPrompt() {
    return Optional.ofNullable(userTemplate);
  }

  /**
   * The first template variable this variant needs that {@code request} does not give, or null:
   * checked before a call spends anything, so a missing variable is a rejected call, not a failed
   * model request.
   */
  public @Nullable String missingVariable(ChatRequest request) {
    if (variables.isEmpty()) {
      return null;
    }
    for (String name : variables) {
      if (value(request, name) == null) {
        return name;
      }
    }
    return null;
  }

  /** A template variable's value: the request's, else {@code question}, the last user message. */
  private static @Nullable String value(ChatRequest request, String name) {
    String v = request.variables().get(name);
    if (v == null && name.equals(QUESTION)) {
      for (int i = request.messages().size() - 1; i >= 0; i--) {
        if (request.messages().get(i).role() == Role.USER) {
          return request.messages().get(i).content();
        }
      }
    }
    return v;
  }

  /** This variant with other version labels: everything else, its fingerprints included, unchanged. */
  public Variant withLabels(VersionLabels newLabels) {
    return builder(id).client(client).model(model).parameters(parameters).systemPrompt(systemPrompt)
        .userPrompt(userTemplate == null ? null : userTemplate.text()).responseFormat(responseFormat).labels(newLabels).build();
  }

  /** The variable that stands for the last user message, as the caller wrote it. */
  public static final String QUESTION = "question";

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
    if (userTemplate != null) {
      String asked = userTemplate.render(name -> value(request, name));
      List<ChatMessage> replaced = new ArrayList<>(messages);
      for (int i = replaced.size() - 1; i >= 0; i--) {
        if (replaced.get(i).role() == Role.USER) {
          replaced.set(i, replaced.get(i).withContent(asked));
          break;
        }
      }
      messages = replaced;
    }
    if (systemTemplate != null) {
      ChatMessage sys = system != null ? system : ChatMessage.system(systemTemplate.render(name -> value(request, name)));
      List<ChatMessage> withSystem = new ArrayList<>(messages.size() + 1);
      withSystem.add(sys);
      for (ChatMessage m : messages) {
        if (m.role() != Role.SYSTEM) {
          withSystem.add(m);
        }
      }
      messages = withSystem;
    }
    ChatRequest base = responseFormat != null && !request.responseFormat().wantsJson() ? request.withResponseFormat(responseFormat) : request;
    return base.with(model, request.parameters().overriddenBy(parameters), messages);
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
    private @Nullable String userPrompt;
    private dev.sluice.model.@Nullable ResponseFormat responseFormat;
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

    /**
     * A template for the last user message: {@code "Customer question: {{question}}"} wraps what the
     * caller asked; other variables come from the request or the subject. The system prompt is a
     * template too.
     */
    public Builder userPrompt(@Nullable String template) {
      this.userPrompt = template;
      return this;
    }

    /**
     * The output shape this release asks the provider for (JSON, or JSON following a schema) when
     * the application's request asks for plain text; part of its content, so of its fingerprints.
     */
    public Builder responseFormat(dev.sluice.model.@Nullable ResponseFormat format) {
      this.responseFormat = format;
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
