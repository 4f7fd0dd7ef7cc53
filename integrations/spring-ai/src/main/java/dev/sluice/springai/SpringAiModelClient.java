package dev.sluice.springai;

import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ModelClient;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.springai.internal.SpringAiMessages;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ChatModel;

/**
 * Any Spring AI {@link ChatModel} as a Sluice variant's client: the variant's request becomes a
 * prompt (tools as definitions only, the model's own tool execution off, so tool calls come back
 * to Sluice's caller), the answer's text, tool calls, usage and finish reason come back. Turn the
 * model's own retries off (a {@code RetryTemplate} of one attempt): Sluice retries. A Spring AI
 * model blocks, so each call runs on an executor (a shared pool of daemon threads by default);
 * cancelling the call interrupts it. HTTP errors become {@link ModelCallException}s of the
 * matching kind: Spring AI's models report them as {@code TransientAiException} or {@code
 * NonTransientAiException} whose message starts with the status ({@code "429 - ..."}), which is
 * read from there.
 */
public final class SpringAiModelClient implements ModelClient {

  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService SHARED = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sluice-spring-ai-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private final ChatModel model;
  private final String provider;
  private final Executor executor;

  private SpringAiModelClient(ChatModel model, String provider, Executor executor) {
    this.model = Objects.requireNonNull(model, "model");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** The model, reported as {@code gen_ai.provider.name} {@code provider}. */
  public static SpringAiModelClient of(ChatModel model, String provider) {
    return new SpringAiModelClient(model, provider, SHARED);
  }

  /** The same, running calls on the application's executor. */
  public static SpringAiModelClient of(ChatModel model, String provider, Executor executor) {
    return new SpringAiModelClient(model, provider, executor);
  }

  @Override
  public String provider() {
    return provider;
  }

  @Override
  public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
    String requestModel = Objects.requireNonNullElse(request.model(), "unknown");
    CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    FutureTask<Void> task = new FutureTask<>(() -> {
      try {
        result.complete(SpringAiMessages.toSluice(model.call(SpringAiMessages.toSpringAi(request)), provider, requestModel));
      } catch (RuntimeException e) {
        result.completeExceptionally(failure(e));
      } catch (Throwable t) {
        result.completeExceptionally(new ModelCallException(ModelCallException.Kind.OTHER, 0, "Spring AI model failed: " + t, null, t));
      }
      return null;
    });
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        task.cancel(true);
      }
    });
    try {
      executor.execute(task);
    } catch (RuntimeException rejected) {
      result.completeExceptionally(new ModelCallException(ModelCallException.Kind.OTHER, 0,
          "the executor refused the call to " + provider + ": " + rejected, null, rejected));
    }
    return result;
  }

  /** Status codes at the start of Spring AI's error messages, e.g. {@code 503 - {"error": ...}}. */
  private static final Pattern STATUS = Pattern.compile("^\\s*([1-5][0-9]{2})\\b");

  /** Spring AI's HTTP errors by status; an I/O failure as a broken connection; the provider's text kept out of the message. */
  static ModelCallException failure(RuntimeException e) {
    if (e instanceof ModelCallException m) {
      return m;
    }
    Matcher status0 = STATUS.matcher(String.valueOf(e.getMessage()));
    int status = status0.find() && e.getClass().getName().startsWith("org.springframework") ? Integer.parseInt(status0.group(1)) : 0;
    ModelCallException.Kind kind = status >= 400 ? ModelCallException.kindOfStatus(status)
        : find(e, IOException.class) != null ? ModelCallException.Kind.CONNECTION
        : find(e, InterruptedException.class) != null ? ModelCallException.Kind.ATTEMPT_TIMEOUT
        : ModelCallException.Kind.OTHER;
    return new ModelCallException(kind, status, "Spring AI model failed: " + e.getClass().getSimpleName()
        + (status > 0 ? " (HTTP " + status + ")" : "") + "; its text is in ModelCallException.providerMessage()", null, e)
        .withProviderMessage(String.valueOf(e.getMessage()));
  }

  private static <T extends Throwable> @Nullable T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "SpringAiModelClient[" + provider + " " + model.getClass().getSimpleName() + "]";
  }
}
