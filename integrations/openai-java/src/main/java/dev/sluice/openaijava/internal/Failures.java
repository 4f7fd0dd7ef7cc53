package dev.sluice.openaijava.internal;

import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.SluiceException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The SDK's exceptions as model call failures of the matching kind. The provider's error text is
 * not copied into the message (it may quote the prompt); the status and the SDK's error code are.
 */
public final class Failures {

  private Failures() {}

  public static SluiceException of(Throwable thrown, String provider) {
    Throwable t = thrown;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof SluiceException s) {
      return s;
    }
    if (t instanceof OpenAIServiceException e) {
      int status = e.statusCode();
      String code = e.code().orElse("");
      ModelCallException.Kind kind = t instanceof RateLimitException ? ModelCallException.Kind.RATE_LIMITED
          : t instanceof InternalServerException ? ModelCallException.Kind.SERVER_ERROR
          : t instanceof BadRequestException && code.equals("context_length_exceeded") ? ModelCallException.Kind.CONTEXT_LENGTH
          : ModelCallException.kindOfStatus(status);
      return new ModelCallException(kind, status, provider + " answered HTTP " + status + (code.isEmpty() ? "" : " (" + code + ")"),
          retryAfter(e), null);
    }
    if (t instanceof SseException e) {
      return new ModelCallException(ModelCallException.Kind.SERVER_ERROR, e.statusCode(), provider + " sent an error event in its stream",
          null, null);
    }
    if (t instanceof OpenAIIoException) {
      return new ModelCallException(ModelCallException.Kind.CONNECTION, 0, "connection to " + provider + " failed: "
          + (t.getCause() == null ? t.getClass().getSimpleName() : t.getCause().getClass().getSimpleName()), null, t);
    }
    if (t instanceof OpenAIInvalidDataException) {
      return new ModelCallException(ModelCallException.Kind.BAD_OUTPUT, 0, provider + " answered with data the SDK could not read", null, null);
    }
    return new ModelCallException(ModelCallException.Kind.OTHER, 0, provider + " call failed: " + t.getClass().getName(), null, t);
  }

  /** The {@code Retry-After} header in seconds, when the provider sent one. */
  private static @org.jspecify.annotations.Nullable Duration retryAfter(OpenAIServiceException e) {
    try {
      return e.headers().values("retry-after").stream().findFirst().map(v -> Duration.ofMillis((long) (Double.parseDouble(v) * 1000)))
          .filter(d -> !d.isNegative()).orElse(null);
    } catch (RuntimeException notANumber) {
      return null;
    }
  }
}
