package dev.sluice.internal.proxy;

import dev.sluice.SluiceCall;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ModelClient;
import dev.sluice.model.TokenUsage;
import dev.sluice.internal.CallState;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of a routed method, as its body sees it. The client sends every request through
 * {@code exchange}: the variant's model, parameters and system prompt, abort on timeout, usage,
 * cost and meters counted on the call.
 */
public final class Attempt implements SluiceCall {

  private final CallState call;
  private final AttemptBody body;
  private final Variant variant;
  private final int attempt;
  private final ModelClient client;
  private TokenUsage usage = TokenUsage.ZERO;
  private @Nullable ChatResponse last;

  public Attempt(CallState call, AttemptBody body, Variant variant, int attempt,
      BiFunction<Variant, ChatRequest, CompletionStage<ChatResponse>> exchange) {
    this.call = call;
    this.body = body;
    this.variant = variant;
    this.attempt = attempt;
    this.client = new ModelClient() {
      @Override
      public String provider() {
        return variant.client().provider();
      }

      @Override
      public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
        return exchange.apply(variant, variant.prepare(request)).thenApply(Attempt.this::received);
      }

      /**
       * The variant's own stream of the request (its model, parameters and system prompt): a
       * streaming method returns it, and the attempt reads it, counts its usage and aborts it.
       */
      @Override
      public java.util.concurrent.Flow.Publisher<dev.sluice.model.ChatChunk> stream(ChatRequest request) {
        return variant.client().stream(variant.prepare(request));
      }
    };
  }

  private synchronized ChatResponse received(ChatResponse response) {
    usage = usage.plus(response.usage());
    last = response;
    return response;
  }

  /** The method body this attempt runs. */
  public AttemptBody body() {
    return body;
  }

  /** Tokens of the model calls this attempt made through its client. */
  public synchronized TokenUsage usage() {
    return usage;
  }

  /** The last answer this attempt's client got, if any. */
  public synchronized @Nullable ChatResponse lastResponse() {
    return last;
  }

  @Override
  public String callId() {
    return call.callId();
  }

  @Override
  public String route() {
    return call.route().name();
  }

  @Override
  public Subject subject() {
    return call.subject();
  }

  @Override
  public Variant variant() {
    return variant;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public ChatRequest request() {
    return call.request();
  }

  @Override
  public ModelClient client() {
    return client;
  }

  @Override
  public String toString() {
    return "SluiceCall[" + call.callId() + ", route=" + route() + ", variant=" + variant.id() + ", attempt=" + attempt + "]";
  }
}
