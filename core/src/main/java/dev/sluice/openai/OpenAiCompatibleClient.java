package dev.sluice.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.internal.JsonSchemas;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.internal.ChunkPump;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelClient;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.TokenUsage;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ToolDefinition;
import dev.sluice.time.TimeSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * Chat completions over {@code java.net.http} against any OpenAI-compatible base URL. Maps usage
 * (cached input tokens included), finish reason, tool calls and response model; maps HTTP status
 * and error body to {@link ModelCallException} with retryability and Retry-After. Non-blocking:
 * cancelling the returned future aborts the HTTP exchange.
 *
 * <pre>{@code
 * ModelClient openai = OpenAiCompatibleClient.builder()
 *     .baseUrl("https://api.openai.com/v1")
 *     .apiKey(System.getenv("OPENAI_API_KEY"))
 *     .build();
 * ModelClient ollama = OpenAiCompatibleClient.builder()
 *     .baseUrl("http://localhost:11434/v1").provider("ollama").build();
 * }</pre>
 */
public final class OpenAiCompatibleClient implements ModelClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final @Nullable String apiKey;
  private final boolean azure;
  private final String provider;
  private final HttpClient http;
  private final Map<String, String> headers;
  private final String maxTokensField;
  private final boolean blockingSend;
  private final java.util.concurrent.Executor executor;
  private final TimeSource time;
  private final HttpResponse.BodyHandler<byte[]> bodyHandler;
  private final long maxResponseBytes;

  /** The most stop sequences the chat completions API accepts. */
  static final int MAX_STOP_SEQUENCES = 4;
  /** An error body is only quoted; this much of it is read. */
  static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

  private OpenAiCompatibleClient(Builder b) {
    String base = Objects.requireNonNull(b.baseUrl, "baseUrl");
    if (!(base.startsWith("http://") || base.startsWith("https://"))) {
      throw new InvalidConfigurationException("openai.baseUrl", base, "an http:// or https:// URL, e.g. https://api.openai.com/v1");
    }
    base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    String path = base + "/chat/completions" + (b.apiVersion == null ? "" : "?api-version=" + b.apiVersion);
    this.endpoint = URI.create(path);
    this.apiKey = b.apiKey;
    this.azure = b.azure;
    this.provider = b.provider;
    this.http = b.http != null ? b.http : HttpClient.newBuilder()
        .connectTimeout(b.connectTimeout)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    this.headers = Map.copyOf(b.headers);
    this.blockingSend = b.asyncSend != null ? !b.asyncSend : java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() <= 1;
    this.executor = b.executor != null ? b.executor : dev.sluice.internal.DaemonPool.WAITING;
    this.maxTokensField = b.maxTokensField != null ? b.maxTokensField : "ollama".equals(b.provider) ? "max_tokens" : "max_completion_tokens";
    this.time = b.time;
    this.maxResponseBytes = b.maxResponseBytes;
    this.bodyHandler = BoundedBody.handler(b.maxResponseBytes, Math.min(b.maxResponseBytes, MAX_ERROR_BODY_BYTES), provider);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String provider() {
    return provider;
  }

  @Override
  public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
    HttpRequest http;
    String model;
    try {
      model = modelOf(request);
      http = httpRequest(request, model, false);
    } catch (ModelCallException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (blockingSend) {
      return sendOnExecutor(http, model);
    }
    CompletableFuture<HttpResponse<byte[]>> exchange = this.http.sendAsync(http, bodyHandler);
    CompletableFuture<ChatResponse> result = exchange.handle((response, failure) -> {
      if (failure != null) {
        throw toException(failure);
      }
      return toResponse(response, model);
    });
    // Cancelling what the caller holds must abort the exchange itself.
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        exchange.cancel(true);
      }
    });
    return result;
  }

  /**
   * One exchange with the JDK client's blocking {@code send}, on a thread of {@link #executor}:
   * its {@code sendAsync} hands every answer to {@code CompletableFuture}'s default executor, which
   * on a host where the common pool has one thread (two CPUs or fewer) starts a new thread per
   * call; {@code send} does not. Cancelling the result interrupts the thread, and the JDK client
   * cancels the exchange of an interrupted {@code send}.
   */
  private CompletableFuture<ChatResponse> sendOnExecutor(HttpRequest request, String model) {
    return dev.sluice.internal.WaitingCall.on(executor, provider, () -> toResponse(this.http.send(request, bodyHandler), model),
        t -> t instanceof InterruptedException e
            ? new ModelCallException(ModelCallException.Kind.OTHER, 0, "the call to " + provider + " was cancelled", null, e)
            : toException(t));
  }

  /**
   * Streams the answer as server-sent events ({@code stream: true}, with {@code
   * stream_options.include_usage} so the last chunk carries the usage). The request is sent when
   * the subscriber first asks; the body is read as the subscriber's demand allows; cancelling the
   * subscription aborts the exchange. A server that answers with a whole JSON body instead of a
   * stream is read as one chunk; an HTTP error fails the stream as {@link #chatAsync} fails.
   */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return subscriber -> new Streamed(request, subscriber).pump.start();
  }

  /** One streamed exchange: the pump its subscriber holds, and the HTTP exchange behind it. */
  private final class Streamed implements ChunkPump.Producer {
    final ChunkPump<ChatChunk> pump;
    private final ChatRequest request;
    private volatile @Nullable SseStream body;
    private volatile @Nullable CompletableFuture<?> exchange;
    private boolean sent;

    Streamed(ChatRequest request, Flow.Subscriber<? super ChatChunk> subscriber) {
      this.request = request;
      this.pump = new ChunkPump<>(subscriber, this);
    }

    @Override
    public void more() {
      if (sent) {
        SseStream b = body;
        if (b != null) {
          b.more();
        }
        return;
      }
      sent = true;
      String model;
      HttpRequest http;
      try {
        model = modelOf(request);
        http = httpRequest(request, model, true);
      } catch (ModelCallException e) {
        pump.fail(e);
        return;
      }
      HttpResponse.BodyHandler<Object> handler = info -> {
        String type = info.headers().firstValue("content-type").orElse("");
        if (info.statusCode() >= 200 && info.statusCode() < 300 && type.startsWith("text/event-stream")) {
          SseStream sse = new SseStream(pump, maxResponseBytes, provider, JSON, OpenAiCompatibleClient::usage, time);
          body = sse;
          if (pump.isCancelled()) {
            sse.stop();
          }
          return sse;
        }
        return HttpResponse.BodySubscribers.mapping(bodyHandler.apply(info), bytes -> (Object) bytes);
      };
      CompletableFuture<HttpResponse<Object>> f = OpenAiCompatibleClient.this.http.sendAsync(http, handler);
      exchange = f;
      f.whenComplete((response, failure) -> {
        if (failure != null) {
          pump.fail(toException(failure));
          return;
        }
        if (response.body() instanceof byte[] bytes) {
          try {
            pump.offer(ChatChunk.of(toResponse(response.statusCode(), response, bytes, model)));
            pump.complete();
          } catch (ModelCallException e) {
            pump.fail(e);
          }
        }
      });
      if (pump.isCancelled()) {
        f.cancel(true);
      }
    }

    @Override
    public void cancelled() {
      SseStream b = body;
      if (b != null) {
        b.stop();
      }
      CompletableFuture<?> f = exchange;
      if (f != null) {
        f.cancel(true);
      }
    }
  }

  private static String modelOf(ChatRequest request) {
    String model = request.model();
    if (model == null) {
      throw new ModelCallException(ModelCallException.Kind.CLIENT_ERROR, 0,
          "the request names no model; a Variant fills it in, or set ChatRequest.builder().model(...)", null, null);
    }
    if (request.parameters().stop().size() > MAX_STOP_SEQUENCES) {
      throw new ModelCallException(ModelCallException.Kind.CLIENT_ERROR, 0,
          "parameters.stop has " + request.parameters().stop().size() + " sequences; the chat completions API accepts at most "
              + MAX_STOP_SEQUENCES, null, null);
    }
    return model;
  }

  private HttpRequest httpRequest(ChatRequest request, String model, boolean stream) {
    byte[] body;
    try {
      ObjectNode root = requestBody(request, model);
      if (stream) {
        root.put("stream", true);
        root.putObject("stream_options").put("include_usage", true);
      }
      body = JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new ModelCallException(ModelCallException.Kind.CLIENT_ERROR, 0, "cannot write the request as JSON: " + e.getMessage(), null, e);
    }
    HttpRequest.Builder rb = HttpRequest.newBuilder(endpoint)
        .header("Content-Type", "application/json")
        .header("Accept", stream ? "text/event-stream" : "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (apiKey != null) {
      if (azure) {
        rb.header("api-key", apiKey);
      } else {
        rb.header("Authorization", "Bearer " + apiKey);
      }
    }
    headers.forEach(rb::header);
    return rb.build();
  }

  ObjectNode requestBody(ChatRequest request, String model) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model);
    ArrayNode messages = root.putArray("messages");
    for (ChatMessage m : request.messages()) {
      ObjectNode msg = messages.addObject().put("role", m.role().wireName());
      if (m.toolCalls().isEmpty() || !m.content().isEmpty()) {
        msg.put("content", m.content());
      } else {
        msg.putNull("content"); // an assistant turn that only calls tools
      }
      if (m.toolCallId() != null) {
        msg.put("tool_call_id", m.toolCallId());
      }
      if (!m.toolCalls().isEmpty()) {
        ArrayNode calls = msg.putArray("tool_calls");
        for (ToolCall c : m.toolCalls()) {
          calls.addObject().put("id", c.id()).put("type", "function").putObject("function")
              .put("name", c.name()).put("arguments", c.argumentsJson());
        }
      }
    }
    ModelParameters p = request.parameters();
    if (p.temperature() != null) root.put("temperature", p.temperature());
    if (p.topP() != null) root.put("top_p", p.topP());
    if (p.maxOutputTokens() != null) root.put(maxTokensField, p.maxOutputTokens());
    if (p.seed() != null) root.put("seed", p.seed());
    if (!p.stop().isEmpty()) {
      ArrayNode stop = root.putArray("stop");
      p.stop().forEach(stop::add);
    }
    switch (request.responseFormat().type()) {
      case JSON_OBJECT -> root.putObject("response_format").put("type", "json_object");
      case JSON_SCHEMA -> {
        ObjectNode rf = root.putObject("response_format").put("type", "json_schema");
        ObjectNode js = rf.putObject("json_schema").put("name", request.responseFormat().schemaName()).put("strict", true);
        js.set("schema", parse(request.responseFormat().schema(), "responseFormat.schema"));
      }
      default -> { }
    }
    if (!request.tools().isEmpty()) {
      ArrayNode tools = root.putArray("tools");
      for (ToolDefinition t : request.tools()) {
        ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
        fn.put("name", t.name()).put("description", t.description());
        fn.set("parameters", parse(t.parametersSchema(), "tool[" + t.name() + "].parametersSchema"));
      }
    }
    return root;
  }

  private static JsonNode parse(@Nullable String json, String field) {
    try {
      return JSON.readTree(Objects.requireNonNull(json, field));
    } catch (JsonProcessingException e) {
      throw new InvalidConfigurationException(field, "is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private ChatResponse toResponse(HttpResponse<byte[]> response, String requestModel) {
    return toResponse(response.statusCode(), response, response.body(), requestModel);
  }

  private ChatResponse toResponse(int status, HttpResponse<?> response, byte[] bytes, String requestModel) {
    if (status < 200 || status >= 300) {
      throw errorFor(response, status, new String(bytes, StandardCharsets.UTF_8));
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      // Where, not what: the parser's message quotes the body, which may hold the user's text.
      String where = e instanceof JsonProcessingException j ? JsonSchemas.where(j) : "";
      throw new ModelCallException(ModelCallException.Kind.BAD_OUTPUT, status,
          "the provider answered HTTP " + status + " with a body that is not JSON" + where, null, null);
    }
    JsonNode choice = root.path("choices").path(0);
    if (choice.isMissingNode()) {
      throw new ModelCallException(ModelCallException.Kind.BAD_OUTPUT, status, "the provider's answer has no choices", null, null);
    }
    JsonNode message = choice.path("message");
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode tc : message.path("tool_calls")) {
      calls.add(new ToolCall(tc.path("id").asText(""), tc.path("function").path("name").asText(""),
          tc.path("function").path("arguments").asText("")));
    }
    String content = message.path("content").isTextual() ? message.path("content").asText() : "";
    FinishReason finish = FinishReason.fromWire(choice.path("finish_reason").asText(null));
    JsonNode refusal = message.path("refusal");
    if (refusal.isTextual() && !refusal.asText().isEmpty() && content.isEmpty() && calls.isEmpty()) {
      content = refusal.asText();
      finish = FinishReason.REFUSAL;
    }
    return new ChatResponse(content, finish, usage(root.path("usage")), provider, root.path("model").asText(requestModel), calls);
  }

  /**
   * The reported usage, or {@link TokenUsage#UNKNOWN} when the answer has none or its counts are
   * not whole numbers of zero or more: a budget then settles at what it reserved instead of at 0.
   */
  private static TokenUsage usage(JsonNode usage) {
    JsonNode in = usage.path("prompt_tokens");
    JsonNode out = usage.path("completion_tokens");
    if (!in.canConvertToExactIntegral() || !out.canConvertToExactIntegral() || !in.canConvertToLong() || !out.canConvertToLong()
        || in.asLong() < 0 || out.asLong() < 0) {
      return TokenUsage.UNKNOWN;
    }
    long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
    return new TokenUsage(in.asLong(), out.asLong(), Math.max(0, Math.min(in.asLong(), cached)));
  }

  private ModelCallException errorFor(HttpResponse<?> response, int status, String body) {
    String message = body;
    String code = "";
    try {
      JsonNode error = JSON.readTree(body).path("error");
      if (error.isObject()) {
        message = error.path("message").asText(body);
        code = error.path("code").asText("");
      } else if (error.isTextual()) {
        message = error.asText();
      }
    } catch (JsonProcessingException notJson) {
      // keep the raw body, shortened below
    }
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    ModelCallException.Kind kind = ModelCallException.kindOfStatus(status);
    String lower = (code + " " + message).toLowerCase(Locale.ROOT);
    if (status == 400 && (lower.contains("context_length_exceeded") || lower.contains("maximum context length")
        || lower.contains("context window"))) {
      kind = ModelCallException.Kind.CONTEXT_LENGTH;
    }
    Optional<Duration> retryAfter = RetryAfter.parse(
        response.headers().firstValue("retry-after-ms"), response.headers().firstValue("retry-after"), time.now());
    // The provider's text often quotes the prompt: it goes beside the message, never into it.
    return new ModelCallException(kind, status, provider + " answered HTTP " + status + (code.isEmpty() ? "" : " (" + safeCode(code) + ")")
        + "; its error text is in ModelCallException.providerMessage()", retryAfter.orElse(null), null)
        .withProviderMessage(message);
  }

  /** An error code as a short identifier; anything else is not a code and is dropped. */
  private static String safeCode(String code) {
    return code.length() <= 64 && code.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.'))
        ? code : "";
  }

  private ModelCallException toException(Throwable failure) {
    Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    // The JDK's send() wraps what a body subscriber threw (a too-large body, say) in an IOException.
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ModelCallException m) {
        return m;
      }
    }
    if (t instanceof java.net.http.HttpTimeoutException) {
      return new ModelCallException(ModelCallException.Kind.ATTEMPT_TIMEOUT, 0, provider + " timed out: " + t.getMessage(), null, t);
    }
    if (t instanceof IOException) {
      return new ModelCallException(ModelCallException.Kind.CONNECTION, 0, "connection to " + provider + " at " + endpoint.getHost()
          + " failed: " + t, null, t);
    }
    return new ModelCallException(ModelCallException.Kind.OTHER, 0, provider + " call failed: " + t, null, t);
  }

  @Override
  public java.util.Optional<URI> endpoint() {
    return java.util.Optional.of(endpoint);
  }

  @Override
  public String toString() {
    return "OpenAiCompatibleClient[" + provider + " " + endpoint + "]";
  }

  /** The default maximum answer size: 4 MiB, some 25 times the longest answer a 32K-token output could be. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 4L * 1024 * 1024;

  /** Builds an {@link OpenAiCompatibleClient}. */
  public static final class Builder {
    private @Nullable String baseUrl;
    private @Nullable String apiKey;
    private boolean azure;
    private @Nullable String apiVersion;
    private String provider = "openai";
    private @Nullable HttpClient http;
    private java.util.concurrent.@Nullable Executor executor;
    private @Nullable Boolean asyncSend;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private final Map<String, String> headers = new LinkedHashMap<>();
    private @Nullable String maxTokensField;
    private TimeSource time = TimeSource.system();
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

    private Builder() {}

    /**
     * The largest answer body read, in bytes; default {@value #DEFAULT_MAX_RESPONSE_BYTES} (4 MiB).
     * Checked while the body arrives: a longer one is cut off and the attempt fails with {@link
     * ModelCallException.Kind#TOO_LARGE}, so an endless or huge body cannot exhaust the heap.
     */
    public Builder maxResponseBytes(long bytes) {
      if (bytes < 1024 || bytes > Integer.MAX_VALUE - 8) {
        throw new InvalidConfigurationException("openai.maxResponseBytes", String.valueOf(bytes), "between 1024 and 2147483639 bytes");
      }
      this.maxResponseBytes = bytes;
      return this;
    }

    /** The base URL up to {@code /chat/completions}, e.g. {@code https://api.openai.com/v1}. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    /** Sent as {@code Authorization: Bearer} (or {@code api-key} for Azure). Optional for local servers. */
    public Builder apiKey(@Nullable String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    /** Azure OpenAI: base URL {@code https://NAME.openai.azure.com/openai/deployments/DEPLOYMENT}, the key as {@code api-key}. */
    public Builder azure(String apiVersion) {
      this.azure = true;
      this.apiVersion = Objects.requireNonNull(apiVersion, "apiVersion");
      this.provider = "azure.ai.openai";
      return this;
    }

    /** The {@code gen_ai.provider.name}; default {@code openai}. */
    public Builder provider(String provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** Your own HttpClient (proxy, TLS, executor). */
    /**
     * Where whole calls wait for their answer (the JDK client's blocking {@code send}, one thread
     * per call in flight); default a shared pool of daemon threads that end after a minute idle.
     * Give a bounded pool to cap the threads, or a virtual-thread executor on Java 21.
     */
    public Builder executor(java.util.concurrent.Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Whether whole calls use the JDK client's {@code sendAsync} (no thread waits per call in
     * flight) or its blocking {@code send} on {@link #executor} (a thread waits per call). By
     * default: {@code send} where the common pool has a single thread (hosts of two CPUs or fewer),
     * because there {@code sendAsync} starts a new thread for every answer (2.6 to 3.3 times fewer calls
     * per second on loopback: docs/BENCHMARKS.md), and {@code sendAsync} elsewhere.
     */
    public Builder asyncSend(boolean async) {
      this.asyncSend = async;
      return this;
    }

    public Builder httpClient(HttpClient http) {
      this.http = http;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
      return this;
    }

    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /**
     * The field the output-token limit is sent in: {@code max_completion_tokens} (the default: the
     * current name in OpenAI's API, the only one its reasoning models take; Azure OpenAI and most
     * compatible servers read it too) or {@code max_tokens} (deprecated by OpenAI; the default
     * for provider {@code ollama}, which documents only this one and ignores the other).
     */
    public Builder maxTokensField(String field) {
      if (!field.equals("max_tokens") && !field.equals("max_completion_tokens")) {
        throw new InvalidConfigurationException("openai.maxTokensField", field, "max_tokens or max_completion_tokens");
      }
      this.maxTokensField = field;
      return this;
    }

    /** The clock an HTTP-date Retry-After is measured from. */
    public Builder timeSource(TimeSource time) {
      this.time = Objects.requireNonNull(time, "timeSource");
      return this;
    }

    public OpenAiCompatibleClient build() {
      return new OpenAiCompatibleClient(this);
    }
  }
}
