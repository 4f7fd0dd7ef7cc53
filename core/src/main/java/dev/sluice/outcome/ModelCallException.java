package dev.sluice.outcome;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The model failed: an HTTP status, a connection error, or output that cannot be used (empty,
 * truncated, not the JSON that was asked for). {@link #isRetryable()} says whether another attempt
 * may help; {@link #retryAfter()} carries the provider's Retry-After when it sent one.
 */
public class ModelCallException extends SluiceException {

  private static final long serialVersionUID = 1L;

  /** What kind of failure, bounded, used as the {@code error.type} meter tag. */
  public enum Kind {
    /** HTTP 429. */
    RATE_LIMITED("rate_limited", true),
    /** HTTP 5xx. */
    SERVER_ERROR("server_error", true),
    /** HTTP 400, 401, 403, 404 and other 4xx: the same request will fail again. */
    CLIENT_ERROR("client_error", false),
    /** The prompt is longer than the model's context. */
    CONTEXT_LENGTH("context_length", false),
    /** Connection refused, reset, or closed mid-body. */
    CONNECTION("connection", true),
    /** HTTP 200 whose output is empty, truncated or not the JSON asked for. */
    BAD_OUTPUT("bad_output", true),
    /**
     * The answer was larger than the client's maximum response size; reading stopped at the limit.
     * Not retried: the same request would most likely bring the same answer, billed again.
     */
    TOO_LARGE("too_large", false),
    /** The attempt took longer than its timeout. */
    ATTEMPT_TIMEOUT("timeout", true),
    /** Anything else. */
    OTHER("other", false);

    private final String tag;
    private final boolean retryableByDefault;

    Kind(String tag, boolean retryableByDefault) {
      this.tag = tag;
      this.retryableByDefault = retryableByDefault;
    }

    public String tag() {
      return tag;
    }

    public boolean retryableByDefault() {
      return retryableByDefault;
    }
  }

  private final Kind kind;
  private final int status;
  private final boolean retryable;
  private final @Nullable Duration retryAfter;
  private volatile @Nullable String providerMessage;

  public ModelCallException(Kind kind, int status, String message, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    this(kind, status, kind.retryableByDefault(), message, retryAfter, cause);
  }

  public ModelCallException(
      Kind kind, int status, boolean retryable, String message, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  /** A failure of the given kind with no HTTP status. */
  public static ModelCallException of(Kind kind, String message) {
    return new ModelCallException(kind, 0, message, null, null);
  }

  /** Maps an HTTP status to a kind: 429 rate limited, 5xx server, other 4xx client. */
  public static Kind kindOfStatus(int status) {
    if (status == 429) {
      return Kind.RATE_LIMITED;
    }
    if (status >= 500) {
      return Kind.SERVER_ERROR;
    }
    if (status == 408) {
      return Kind.ATTEMPT_TIMEOUT;
    }
    return status >= 400 ? Kind.CLIENT_ERROR : Kind.OTHER;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status, or 0 when there was none. */
  public int status() {
    return status;
  }

  @Override
  public boolean isRetryable() {
    return retryable;
  }

  /**
   * What the provider's error body said, cut to 300 characters, when it said anything. Kept out of
   * {@link #getMessage()} (and so out of logs, audit events and fallback reasons) because
   * providers quote the prompt in their errors; read it here when you need it and may show it.
   */
  public Optional<String> providerMessage() {
    return Optional.ofNullable(providerMessage);
  }

  /** Attaches the provider's own error text (see {@link #providerMessage()}); returns this exception. */
  public ModelCallException withProviderMessage(@Nullable String message) {
    this.providerMessage = message;
    return this;
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public Outcome outcome() {
    return kind == Kind.ATTEMPT_TIMEOUT ? Outcome.TIMEOUT : Outcome.ERROR;
  }
}
