package dev.sluice.openai;

import dev.sluice.outcome.ModelCallException;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A response body read into memory up to a limit, checked while it arrives: a declared {@code
 * Content-Length} over the limit is refused before a byte is read, and a body that grows past it
 * (an endless stream, a 10 MB answer) cancels the exchange at once. A successful answer over the
 * limit fails with {@link ModelCallException.Kind#TOO_LARGE}; an error body is only ever quoted,
 * so it is cut at the limit and kept.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

  private final long limit;
  private final boolean truncate;
  private final String provider;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final ByteArrayOutputStream out;
  private Flow.@Nullable Subscription subscription;
  private final long declared;
  private long size;

  private BoundedBody(long limit, boolean truncate, String provider, long declared) {
    this.limit = limit;
    this.declared = declared;
    this.truncate = truncate;
    this.provider = provider;
    this.out = new ByteArrayOutputStream((int) Math.min(limit, declared > 0 ? declared : 8192));
  }

  /**
   * The body handler: answers (2xx) are bounded by {@code answerLimit} and fail past it; anything
   * else by {@code errorLimit} and cut there.
   */
  static HttpResponse.BodyHandler<byte[]> handler(long answerLimit, long errorLimit, String provider) {
    return info -> {
      boolean answer = info.statusCode() >= 200 && info.statusCode() < 300;
      long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
      return new BoundedBody(answer ? answerLimit : errorLimit, !answer, provider, declared);
    };
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    if (!truncate && declared > limit) {
      result.completeExceptionally(tooLarge("declares " + declared + " bytes"));
      s.cancel();
      return;
    }
    s.request(Long.MAX_VALUE);
  }

  private ModelCallException tooLarge(String what) {
    return new ModelCallException(ModelCallException.Kind.TOO_LARGE, 200, provider + "'s answer " + what
        + ": the maximum response size is " + limit
        + " bytes (raise OpenAiCompatibleClient.Builder.maxResponseBytes if answers this size are expected)", null, null);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      int n = b.remaining();
      if (size + n > limit) {
        if (truncate) {
          write(b, (int) (limit - size));
          result.complete(out.toByteArray());
        } else {
          result.completeExceptionally(tooLarge("went on past " + limit + " bytes; reading stopped there"));
        }
        cancel();
        return;
      }
      write(b, n);
      size += n;
    }
  }

  private void write(ByteBuffer b, int n) {
    if (b.hasArray()) {
      out.write(b.array(), b.arrayOffset() + b.position(), n);
      b.position(b.position() + n);
    } else {
      byte[] chunk = new byte[n];
      b.get(chunk);
      out.write(chunk, 0, n);
    }
  }

  private void cancel() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }
}
