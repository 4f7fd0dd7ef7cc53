package dev.sluice.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the application asks of a route: messages, parameters, an optional response format and
 * tools. The model is usually left empty: the variant that Sluice picks names it and may add its
 * own system prompt and parameters (see {@link dev.sluice.release.Variant}).
 *
 * <pre>{@code
 * ChatRequest request = ChatRequest.builder()
 *     .user("Summarise this ticket: ...")
 *     .parameters(ModelParameters.builder().maxOutputTokens(300).build())
 *     .build();
 * }</pre>
 */
public final class ChatRequest {

  private final List<ChatMessage> messages;
  private final @Nullable String model;
  private final ModelParameters parameters;
  private final ResponseFormat responseFormat;
  private final List<ToolDefinition> tools;
  private final Map<String, String> variables;

  /** The most template variables a request may carry. */
  public static final int MAX_VARIABLES = 64;

  private ChatRequest(Builder b) {
    this.messages = List.copyOf(b.messages);
    this.model = b.model;
    this.parameters = b.parameters;
    this.responseFormat = b.responseFormat;
    this.tools = List.copyOf(b.tools);
    this.variables = Collections.unmodifiableMap(new TreeMap<>(b.variables));
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a ChatRequest needs at least one message");
    }
  }

  private ChatRequest(List<ChatMessage> messages, @Nullable String model, ModelParameters parameters, ResponseFormat responseFormat,
      List<ToolDefinition> tools, Map<String, String> variables) {
    this.messages = messages;
    this.model = model;
    this.parameters = parameters;
    this.responseFormat = responseFormat;
    this.tools = tools;
    this.variables = variables;
  }

  /**
   * This request with another model, parameters and messages, the response format and tools kept:
   * what a variant sends. Copies nothing it does not change.
   */
  public ChatRequest with(String newModel, ModelParameters newParameters, List<ChatMessage> newMessages) {
    List<ChatMessage> m = List.copyOf(newMessages);
    if (m.isEmpty()) {
      throw new IllegalArgumentException("a ChatRequest needs at least one message");
    }
    return new ChatRequest(m, newModel, newParameters, responseFormat, tools, variables);
  }

  /** This request asking for {@code format} instead of its own: what a release with a response format sends. */
  public ChatRequest withResponseFormat(ResponseFormat format) {
    return new ChatRequest(messages, model, parameters, Objects.requireNonNull(format, "responseFormat"), tools, variables);
  }

  /**
   * This request with {@code more} template variables; its own win where both name one (a subject
   * attribute never overrides what the application set on the request).
   */
  public ChatRequest withVariablesUnder(Map<String, String> more) {
    if (more.isEmpty() || variables.keySet().containsAll(more.keySet())) {
      return this;
    }
    TreeMap<String, String> all = new TreeMap<>(more);
    all.putAll(variables);
    if (all.size() > MAX_VARIABLES) {
      throw new IllegalArgumentException("a ChatRequest carries at most " + MAX_VARIABLES + " template variables; this one would carry "
          + all.size());
    }
    return new ChatRequest(messages, model, parameters, responseFormat, tools, Collections.unmodifiableMap(all));
  }

  /**
   * The values of the release's prompt template variables ({@code {{order_id}}}), by name, sorted;
   * empty unless set. {@code question} (the last user message) and the subject's attributes
   * ({@code tenant}, {@code region}, ...) are filled in by Sluice when not set here.
   */
  public Map<String, String> variables() {
    return variables;
  }

  /** A request of one user message. */
  public static ChatRequest ofUser(String text) {
    return builder().user(text).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<ChatMessage> messages() {
    return messages;
  }

  /** The model to call; null until a variant fills it in. */
  public @Nullable String model() {
    return model;
  }

  public ModelParameters parameters() {
    return parameters;
  }

  public ResponseFormat responseFormat() {
    return responseFormat;
  }

  public List<ToolDefinition> tools() {
    return tools;
  }

  /** The text of the last user message, or "" if there is none. */
  public String lastUserText() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == Role.USER) {
        return messages.get(i).content();
      }
    }
    return "";
  }

  /** Total characters over all messages. */
  /**
   * The characters of everything the request sends that its caller wrote: message texts, tool
   * names, descriptions and schemas, and the response format's schema. A long, never overflowing.
   */
  public long inputChars() {
    long n = 0;
    for (ChatMessage m : messages) {
      n += m.chars();
    }
    for (ToolDefinition t : tools) {
      n += t.name().length() + t.description().length() + t.parametersSchema().length();
    }
    for (Map.Entry<String, String> v : variables.entrySet()) {
      n += v.getKey().length() + v.getValue().length();
    }
    String schema = responseFormat.schema();
    return schema == null ? n : n + schema.length();
  }

  public int totalChars() {
    int n = 0;
    for (ChatMessage m : messages) {
      n += m.content().length();
    }
    return n;
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.messages.addAll(messages);
    b.model = model;
    b.parameters = parameters;
    b.responseFormat = responseFormat;
    b.tools.addAll(tools);
    b.variables.putAll(variables);
    return b;
  }

  @Override
  public String toString() {
    // Never the text: requests reach logs through exceptions and debuggers.
    return "ChatRequest[messages=" + messages.size() + ", chars=" + totalChars() + ", model=" + model
        + ", parameters=" + parameters + ", responseFormat=" + responseFormat + ", tools=" + tools.size() + ", variables=" + variables.keySet() + "]";
  }

  /** Builds a {@link ChatRequest}. */
  public static final class Builder {
    private final List<ChatMessage> messages = new ArrayList<>();
    private @Nullable String model;
    private ModelParameters parameters = ModelParameters.DEFAULTS;
    private ResponseFormat responseFormat = ResponseFormat.TEXT;
    private final List<ToolDefinition> tools = new ArrayList<>();
    private final Map<String, String> variables = new TreeMap<>();

    private Builder() {}

    /**
     * A value for the release's prompt templates: {@code variable("order_id", "A-1042")} fills
     * {@code {{order_id}}}. Names as in {@link dev.sluice.release.PromptTemplate}; at most
     * {@value ChatRequest#MAX_VARIABLES}; values count towards the route's input size limit.
     */
    public Builder variable(String name, String value) {
      Objects.requireNonNull(name, "variable name");
      Objects.requireNonNull(value, "variable " + name);
      if (name.isEmpty() || name.length() > 64) {
        throw new IllegalArgumentException("a template variable's name has 1 to 64 characters; got " + name.length());
      }
      if (!variables.containsKey(name) && variables.size() == MAX_VARIABLES) {
        throw new IllegalArgumentException("a ChatRequest carries at most " + MAX_VARIABLES + " template variables");
      }
      variables.put(name, value);
      return this;
    }

    public Builder message(ChatMessage message) {
      messages.add(Objects.requireNonNull(message, "message"));
      return this;
    }

    public Builder messages(List<ChatMessage> all) {
      messages.clear();
      all.forEach(this::message);
      return this;
    }

    public Builder system(String text) {
      return message(ChatMessage.system(text));
    }

    public Builder user(String text) {
      return message(ChatMessage.user(text));
    }

    /** The assistant's turn that asked for these tool calls (several for parallel calls), with its text if any. */
    public Builder assistant(String text, List<ToolCall> toolCalls) {
      return message(ChatMessage.assistant(text, toolCalls));
    }

    /** A tool's result, answering the tool call with this id. */
    public Builder toolResult(String toolCallId, String content) {
      return message(ChatMessage.tool(toolCallId, content));
    }

    public Builder assistant(String text) {
      return message(ChatMessage.assistant(text));
    }

    public Builder model(@Nullable String model) {
      this.model = model;
      return this;
    }

    public Builder parameters(ModelParameters parameters) {
      this.parameters = Objects.requireNonNull(parameters, "parameters");
      return this;
    }

    public Builder responseFormat(ResponseFormat format) {
      this.responseFormat = Objects.requireNonNull(format, "responseFormat");
      return this;
    }

    public Builder tool(ToolDefinition tool) {
      tools.add(Objects.requireNonNull(tool, "tool"));
      return this;
    }

    public ChatRequest build() {
      return new ChatRequest(this);
    }
  }
}
