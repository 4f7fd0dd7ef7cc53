package dev.sluice.model;

import dev.sluice.outcome.SluiceException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A model behind Sluice. Implementations must be thread-safe.
 *
 * <p>The asynchronous form is the one the pipeline uses: it must not block the calling thread,
 * and cancelling the returned stage's future must abort the underlying request (so a timed-out
 * attempt leaves no thread or connection behind). Failures complete the stage exceptionally with a
 * {@link dev.sluice.outcome.ModelCallException} that says whether a retry may help.
 *
 * <pre>{@code
 * ModelClient client = SimulatedModelClient.builder().seed(7).text("Hello!").build();
 * ChatResponse answer = client.chat(ChatRequest.builder().model("sim-1").user("Hi").build());
 * }</pre>
 */
public interface ModelClient {

  /** The provider's name as {@code gen_ai.provider.name}, e.g. {@code openai}, {@code simulated}. */
  String provider();

  /**
   * The server this client sends requests to, for the {@code server.address} and {@code server.port}
   * attributes of meters and spans; empty (the default) for a model in this process or behind a
   * client that does not say. Only the scheme, host and port are read: a path or user info is never
   * recorded.
   */
  default java.util.Optional<java.net.URI> endpoint() {
    return java.util.Optional.empty();
  }

  /** Sends the request; completes with the answer or with a {@link SluiceException}. */
  CompletionStage<ChatResponse> chatAsync(ChatRequest request);

  /**
   * The answer as a stream of chunks. Each subscription sends the request once, when the
   * subscriber first requests; cancelling the subscription must abort the request; demand must be
   * honoured (a slow subscriber slows the reading, it does not fill the heap). A failure before
   * the stream ends is {@code onError} with a {@link dev.sluice.outcome.ModelCallException} that
   * says whether a retry may help; a stream that ends without saying why the model stopped is a
   * cut stream, not a finished one.
   *
   * <p>The default, for clients that cannot stream, sends {@link #chatAsync} and delivers the
   * whole answer as one chunk.
   */
  default java.util.concurrent.Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return new dev.sluice.internal.WholeAnswerStream(this, request);
  }

  /** Sends the request and waits. Interrupting the caller cancels the request. */
  default ChatResponse chat(ChatRequest request) {
    var future = chatAsync(request).toCompletableFuture();
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new SluiceException("interrupted while waiting for the model", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new SluiceException("model call failed: " + cause, cause);
    } catch (CancellationException e) {
      throw new SluiceException("model call was cancelled", e);
    }
  }
}
