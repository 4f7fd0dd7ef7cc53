package dev.sluice.langchain4j;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.PushedChunks;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;
import dev.sluice.langchain4j.internal.Messages;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.BlockingModelClient;
import dev.sluice.outcome.ModelCallException;
import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Any LangChain4j {@link ChatModel} as a Sluice variant's client, so every provider LangChain4j
 * supports (Anthropic, Gemini, Bedrock, Ollama, ...) can be a variant with usage, cost and labels:
 *
 * <pre>{@code
 * ChatModel claude = AnthropicChatModel.builder().apiKey(key).modelName("claude-sonnet-4-5").maxRetries(0).build();
 * Variant v = Variant.builder("v2").client(LangChain4jModelClient.of(claude, "anthropic")).model("claude-sonnet-4-5").build();
 * }</pre>
 *
 * <p>The variant's request (its model, system prompt, parameters, tools, response format, tool
 * turns) becomes LangChain4j's; the answer's text, tool calls, usage and finish reason come back.
 * Turn the model's own retries off ({@code maxRetries(0)}): Sluice retries, within the call's
 * deadline and retry budget. A LangChain4j model blocks, so each call runs on an executor (by
 * default a shared pool of daemon threads that end when idle); cancelling the call (a timeout)
 * interrupts it, which aborts the HTTP request of models whose client honours interruption.
 * LangChain4j's exceptions become {@link ModelCallException}s of the matching kind (a rate limit
 * retried, a bad request not).
 */
public final class LangChain4jModelClient extends BlockingModelClient {

  private final ChatModel model;
  private final @Nullable StreamingChatModel streaming;

  private LangChain4jModelClient(ChatModel model, @Nullable StreamingChatModel streaming, String provider) {
    super(provider);
    this.model = Objects.requireNonNull(model, "model");
    this.streaming = streaming;
  }

  private LangChain4jModelClient(ChatModel model, String provider, Executor executor) {
    super(provider, executor);
    this.model = Objects.requireNonNull(model, "model");
    this.streaming = null;
  }

  /** The model, reported as {@code gen_ai.provider.name} {@code provider} (e.g. {@code anthropic}, {@code openai}). */
  public static LangChain4jModelClient of(ChatModel model, String provider) {
    return new LangChain4jModelClient(model, null, provider);
  }

  /** The same, running calls on the application's executor. */
  public static LangChain4jModelClient of(ChatModel model, String provider, Executor executor) {
    return new LangChain4jModelClient(model, provider, executor);
  }

  /**
   * A model with its streaming twin (e.g. {@code OpenAiChatModel} and {@code OpenAiStreamingChatModel}
   * for the same deployment): whole calls go to {@code model}, streamed calls to {@code streaming}.
   */
  public static LangChain4jModelClient of(ChatModel model, StreamingChatModel streaming, String provider) {
    return new LangChain4jModelClient(model, Objects.requireNonNull(streaming, "streaming"), provider);
  }

  /**
   * With a streaming model, its partial responses as chunks, then the complete response's tool
   * calls, finish reason and usage; without one, the whole answer as one chunk. LangChain4j pushes
   * partial responses without waiting for demand: they wait in a buffer of {@value #STREAM_BUFFER}
   * chunks, and when it is full the model's thread waits, which slows its reading. Cancelling the
   * subscription cancels LangChain4j's stream at its next partial response.
   */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    StreamingChatModel s = streaming;
    if (s == null) {
      return super.stream(request);
    }
    String requestModel = Objects.requireNonNullElse(request.model(), "unknown");
    return PushedChunks.of(executor(), STREAM_BUFFER, sink -> {
      try {
        s.chat(Messages.toLangChain4j(request), new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            if (sink.isCancelled() || (!partial.text().isEmpty() && !sink.push(ChatChunk.text(partial.text())))) {
              context.streamingHandle().cancel();
            }
          }

          @Override
          public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse complete) {
            ChatChunk all = ChatChunk.of(Messages.toSluice(complete, provider(), requestModel));
            // The text came in the partials; the rest (tool calls, finish reason, usage) comes now.
            if (sink.push(new ChatChunk("", "", all.toolCalls(), all.finishReason(), all.usage(), all.responseModel()))) {
              sink.complete();
            }
          }

          @Override
          public void onError(Throwable error) {
            sink.fail(error instanceof RuntimeException e ? failure(e)
                : new ModelCallException(ModelCallException.Kind.OTHER, 0, "LangChain4j stream failed: " + error, null, error));
          }
        });
      } catch (RuntimeException e) {
        sink.fail(failure(e));
      }
    });
  }

  /** Chunks a LangChain4j stream may push ahead of its reader before its thread waits. */
  static final int STREAM_BUFFER = 256;

  @Override
  protected ChatResponse call(ChatRequest request) {
    return Messages.toSluice(model.chat(Messages.toLangChain4j(request)), provider(), Objects.requireNonNullElse(request.model(), "unknown"));
  }

  /** LangChain4j's exception as a model call failure of the matching kind; the provider's text kept out of the message. */
  @Override
  protected ModelCallException failure(RuntimeException e) {
    if (e instanceof ModelCallException m) {
      return m;
    }
    ModelCallException.Kind kind;
    int status = e instanceof HttpException h ? h.statusCode() : 0;
    if (e instanceof RateLimitException) {
      kind = ModelCallException.Kind.RATE_LIMITED;
    } else if (e instanceof TimeoutException) {
      kind = ModelCallException.Kind.ATTEMPT_TIMEOUT;
    } else if (e instanceof InternalServerException) {
      kind = ModelCallException.Kind.SERVER_ERROR;
    } else if (e instanceof AuthenticationException || e instanceof InvalidRequestException || e instanceof ModelNotFoundException
        || e instanceof ContentFilteredException) {
      kind = contextLength(e) ? ModelCallException.Kind.CONTEXT_LENGTH : ModelCallException.Kind.CLIENT_ERROR;
    } else if (status > 0) {
      kind = ModelCallException.kindOfStatus(status);
    } else if (causedBy(e, IOException.class)) {
      kind = ModelCallException.Kind.CONNECTION;
    } else if (causedBy(e, InterruptedException.class)) {
      kind = ModelCallException.Kind.ATTEMPT_TIMEOUT;
    } else {
      kind = ModelCallException.Kind.OTHER;
    }
    return new ModelCallException(kind, status, "LangChain4j model failed: " + e.getClass().getSimpleName()
        + (status > 0 ? " (HTTP " + status + ")" : "") + "; its text is in ModelCallException.providerMessage()", null, e)
        .withProviderMessage(String.valueOf(e.getMessage()));
  }

  private static boolean contextLength(RuntimeException e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return m.contains("context_length_exceeded") || m.contains("maximum context length") || m.contains("context window");
  }

  @Override
  public String toString() {
    return "LangChain4jModelClient[" + provider() + " " + model.getClass().getSimpleName() + "]";
  }
}
