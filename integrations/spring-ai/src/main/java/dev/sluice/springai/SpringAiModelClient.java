package dev.sluice.springai;

import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.BlockingModelClient;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.springai.internal.SpringAiMessages;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
public final class SpringAiModelClient extends BlockingModelClient {

  private final ChatModel model;

  private SpringAiModelClient(ChatModel model, String provider) {
    super(provider);
    this.model = Objects.requireNonNull(model, "model");
  }

  private SpringAiModelClient(ChatModel model, String provider, Executor executor) {
    super(provider, executor);
    this.model = Objects.requireNonNull(model, "model");
  }

  /** The model, reported as {@code gen_ai.provider.name} {@code provider}. */
  public static SpringAiModelClient of(ChatModel model, String provider) {
    return new SpringAiModelClient(model, provider);
  }

  /** The same, running calls on the application's executor. */
  public static SpringAiModelClient of(ChatModel model, String provider, Executor executor) {
    return new SpringAiModelClient(model, provider, executor);
  }

  @Override
  protected ChatResponse call(ChatRequest request) {
    return SpringAiMessages.toSluice(model.call(SpringAiMessages.toSpringAi(request)), provider(),
        Objects.requireNonNullElse(request.model(), "unknown"));
  }

  /** Status codes at the start of Spring AI's error messages, e.g. {@code 503 - {"error": ...}}. */
  private static final Pattern STATUS = Pattern.compile("^\\s*([1-5][0-9]{2})\\b");

  /** Spring AI's HTTP errors by status; an I/O failure as a broken connection; the provider's text kept out of the message. */
  @Override
  protected ModelCallException failure(RuntimeException e) {
    if (e instanceof ModelCallException m) {
      return m;
    }
    Matcher status0 = STATUS.matcher(String.valueOf(e.getMessage()));
    int status = status0.find() && e.getClass().getName().startsWith("org.springframework") ? Integer.parseInt(status0.group(1)) : 0;
    ModelCallException.Kind kind = status >= 400 ? ModelCallException.kindOfStatus(status)
        : causedBy(e, IOException.class) ? ModelCallException.Kind.CONNECTION
        : causedBy(e, InterruptedException.class) ? ModelCallException.Kind.ATTEMPT_TIMEOUT
        : ModelCallException.Kind.OTHER;
    return new ModelCallException(kind, status, "Spring AI model failed: " + e.getClass().getSimpleName()
        + (status > 0 ? " (HTTP " + status + ")" : "") + "; its text is in ModelCallException.providerMessage()", null, e)
        .withProviderMessage(String.valueOf(e.getMessage()));
  }

  @Override
  public String toString() {
    return "SpringAiModelClient[" + provider() + " " + model.getClass().getSimpleName() + "]";
  }
}
