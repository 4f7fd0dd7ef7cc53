package dev.sluice.openaijava;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.model.BlockingModelClient;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ModelClient;
import dev.sluice.model.PushedChunks;
import dev.sluice.openaijava.internal.Failures;
import dev.sluice.openaijava.internal.Requests;
import dev.sluice.openaijava.internal.Responses;
import dev.sluice.outcome.ModelCallException;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

/**
 * A Sluice client over the official OpenAI Java SDK ({@code com.openai:openai-java}), for a service
 * that already configures it (Azure, a proxy, its own timeouts and headers):
 *
 * <pre>{@code
 * OpenAIClient openai = OpenAIOkHttpClient.builder().fromEnv().maxRetries(0).build();
 * Variant v = Variant.builder("v2").client(OpenAiJavaModelClient.of(openai)).model("gpt-4.1-mini").build();
 * }</pre>
 *
 * <p>Turn the SDK's own retries off ({@code maxRetries(0)}): Sluice retries, within the call's
 * deadline and retry budget, and a retry inside the SDK would be spend the budget cannot see. The
 * variant's request (model, messages with tool calls and tool results, parameters, tools, response
 * format) becomes the SDK's {@link ChatCompletionCreateParams} ({@code max_completion_tokens},
 * {@code seed} only when set); the answer's text or refusal, tool calls, finish reason, usage
 * (cached input tokens included) and response model come back. The SDK's exceptions become
 * {@link ModelCallException}s of the matching kind, without the provider's text.
 *
 * <p>Whole calls use the SDK's asynchronous client and hold no thread. Cancelling one (a timeout)
 * ends Sluice's attempt at once, but the SDK cannot abort its HTTP request from the future it
 * returns: set the SDK's {@code timeout} no longer than the route's attempt timeout so abandoned
 * requests end too. Streamed calls read the SDK's stream on a thread of the executor (by default
 * {@link BlockingModelClient#waitingThreads()}), at most {@value #STREAM_BUFFER} chunks ahead of the reader;
 * cancelling closes the SDK's stream, which aborts its connection.
 *
 * <p>The SDK reads response bodies without a size limit; for an upstream that is not trusted,
 * prefer Sluice's own {@link dev.sluice.openai.OpenAiCompatibleClient}, whose reads are bounded.
 */
public final class OpenAiJavaModelClient implements ModelClient {

  /** Chunks read ahead of a slow reader before the reading thread waits. */
  static final int STREAM_BUFFER = 64;

  private final OpenAIClient client;
  private final String provider;
  private final Executor executor;
  private final Optional<URI> endpoint;

  private OpenAiJavaModelClient(OpenAIClient client, String provider, Executor executor, Optional<URI> endpoint) {
    this.client = Objects.requireNonNull(client, "client");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.endpoint = endpoint;
  }

  /** The SDK's client, reported as provider {@code openai}. */
  public static OpenAiJavaModelClient of(OpenAIClient client) {
    return new OpenAiJavaModelClient(client, "openai", BlockingModelClient.waitingThreads(), Optional.empty());
  }

  /**
   * The SDK's client reported as {@code provider} (e.g. {@code azure.ai.openai}), with the base URL
   * it was configured with for {@code server.address} and {@code server.port} (the SDK does not
   * say), and an executor for reading streams.
   */
  public static OpenAiJavaModelClient of(OpenAIClient client, String provider, URI baseUrl, Executor executor) {
    return new OpenAiJavaModelClient(client, provider, executor, Optional.of(Objects.requireNonNull(baseUrl, "baseUrl")));
  }

  @Override
  public String provider() {
    return provider;
  }

  @Override
  public Optional<URI> endpoint() {
    return endpoint;
  }

  @Override
  public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
    ChatCompletionCreateParams params;
    try {
      params = Requests.toParams(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Failures.of(e, provider));
    }
    CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    try {
      client.async().chat().completions().create(params).whenComplete((completion, failure) -> {
        if (failure != null) {
          result.completeExceptionally(Failures.of(failure, provider));
          return;
        }
        try {
          result.complete(Responses.toSluice(completion, provider));
        } catch (RuntimeException e) {
          result.completeExceptionally(Failures.of(e, provider));
        }
      });
    } catch (RuntimeException e) {
      result.completeExceptionally(Failures.of(e, provider));
    }
    return result;
  }

  /**
   * The SDK's stream of chunks: text and refusal deltas, tool-call deltas, then the finish reason
   * and (with {@code stream_options.include_usage}, which this client asks for) the usage. A stream
   * that ends without a finish reason is a cut stream ({@code CONNECTION}), not a finished one.
   */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return PushedChunks.of(executor, STREAM_BUFFER, sink -> {
      try {
        executor.execute(() -> read(request, sink));
      } catch (RuntimeException rejected) {
        sink.fail(new ModelCallException(ModelCallException.Kind.OTHER, 0,
            "the executor refused the stream of " + provider + ": " + rejected, null, rejected));
      }
    });
  }

  /** Reads the SDK's stream into the sink, waiting while the reader is behind; a cancel closes the SDK's stream. */
  private void read(ChatRequest request, PushedChunks.Sink sink) {
    boolean finished = false;
    try (StreamResponse<ChatCompletionChunk> response = client.chat().completions()
        .createStreaming(Requests.toStreamingParams(request))) {
      sink.onCancel(response::close);
      try (Stream<ChatCompletionChunk> chunks = response.stream()) {
        for (java.util.Iterator<ChatCompletionChunk> it = chunks.iterator(); it.hasNext(); ) {
          ChatChunk chunk = Responses.toSluice(it.next());
          finished |= chunk.finishReason() != null;
          if (!sink.push(chunk)) {
            return;
          }
        }
      }
      if (finished) {
        sink.complete();
      } else {
        sink.fail(new ModelCallException(ModelCallException.Kind.CONNECTION, 0,
            "the " + provider + " stream ended without a finish reason", null, null));
      }
    } catch (RuntimeException e) {
      if (!sink.isCancelled()) {
        sink.fail(Failures.of(e, provider));
      }
    }
  }

  @Override
  public String toString() {
    return "OpenAiJavaModelClient[" + provider + "]";
  }
}
