package dev.sluice.internal;

import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.SluiceException;
import dev.sluice.release.Variant;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.internal.proxy.Attempt;
import dev.sluice.internal.proxy.AttemptBody;
import dev.sluice.internal.proxy.CurrentCall;
import dev.sluice.pricing.Cost;
import dev.sluice.pricing.PriceTable;
import dev.sluice.time.TimeSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import dev.sluice.internal.guardrail.StreamWindow;
import org.jspecify.annotations.Nullable;
import io.micrometer.observation.Observation;
import java.util.concurrent.CompletionStage;
import dev.sluice.model.TokenUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The innermost link: one attempt at the current variant's model. Counts the attempt, prepares the
 * variant's request, calls the client with the MDC set, registers the request so that cancelling
 * the call aborts it, and records the GenAI meters, usage and cost of the attempt. For an
 * {@code @LlmRoute} method the attempt runs the method's body instead, whose model calls take the
 * same path.
 */
public final class ModelInvocation implements StateChain {

  private static final Logger log = LoggerFactory.getLogger(ModelInvocation.class);

  private final RouteMeters meters;
  private final PriceTable prices;
  private final TimeSource time;
  private final CallMdc.Frames mdc;
  private final Exchanged exchanged = new Exchanged();
  private final BodyDone bodyDone = new BodyDone();

  private final Executor executor;
  private final StreamWindow.@Nullable Factory windows;
  private final Streamed streamed = new Streamed();

  private final CallObservations observations;

  public ModelInvocation(RouteMeters meters, CallObservations observations, PriceTable prices, TimeSource time, CallMdc.Frames mdc, Executor executor,
      StreamWindow.@Nullable Factory windows) {
    this.mdc = mdc;
    this.observations = observations;
    this.executor = executor;
    this.windows = windows;
    this.meters = meters;
    this.prices = prices;
    this.time = time;
  }

  @Override
  public CompletionStage<ChatResponse> proceed(CallState call) {
    Variant variant = call.requireVariant();
    if (call.isCancelled()) {
      return CompletableFuture.failedFuture(new SluiceException("the call was cancelled before attempt " + (call.attempts() + 1)));
    }
    int attempt = call.startAttempt();
    AttemptBody body = call.get(AttemptBody.KEY);
    StreamOut out = call.stream();
    if (body != null) {
      return out != null ? streamBody(call, variant, attempt, body, out) : runBody(call, variant, attempt, body);
    }
    if (out != null) {
      return stream(call, variant, call.prepared(variant), out);
    }
    return exchange(call, variant, call.prepared(variant));
  }

  /** One streamed request: its chunks go to the caller as the call commits to them; the attempt ends with the whole answer. */
  private CompletionStage<ChatResponse> stream(CallState call, Variant variant, ChatRequest prepared, StreamOut out) {
    AttemptStream attempt = attemptStream(call, variant, prepared, out, false);
    attempt.observation = observations.startAttempt(call, variant, prepared, true);
    try (CallMdc ignored = CallMdc.open(call, mdc); Observation.Scope scope = attempt.observation.openScope()) {
      attempt.begin(variant.client().stream(prepared));
    } catch (SluiceException e) {
      attempt.fail(e);
    } catch (Throwable t) {
      attempt.fail(Failures.fromModel(t));
    }
    return Stages.handle(attempt, call, attempt, 0, streamed);
  }

  private final BodyStreamed bodyStreamed = new BodyStreamed();

  /**
   * A streaming body's end: what its client's whole calls used is on the call already; a stream it
   * returned (its client's, or one of its own) is counted as a streamed attempt's is.
   */
  private final class BodyStreamed implements Stages.Handler<ChatResponse, AttemptStream> {
    @Override
    public ChatResponse answered(CallState call, AttemptStream attempt, long usageBefore, ChatResponse response) {
      if (call.usage() != attempt.usageBefore) {
        return response;
      }
      return streamed.answered(call, attempt, 0, response);
    }

    @Override
    public RuntimeException failed(CallState call, AttemptStream attempt, long unused, Throwable failure) {
      if (call.usage() != attempt.usageBefore) {
        SluiceException e = failure(call, failure);
        attempt.meters.recordModelFailure(errorType(e), time.nanoTime() - attempt.start);
        CallObservations.failed(attempt.observation, errorType(e), e);
        return e;
      }
      return streamed.failed(call, attempt, 0, failure);
    }
  }

  private AttemptStream attemptStream(CallState call, Variant variant, ChatRequest prepared, StreamOut out, boolean endIsFinish) {
    StreamWindow.Factory f = windows;
    AttemptStream attempt = new AttemptStream(call, variant, prepared, out, f == null ? null : f.open(call), meters.of(variant), time,
        executor, time.nanoTime(), endIsFinish);
    call.inFlight(attempt);
    return attempt;
  }

  /**
   * A streaming {@code @LlmRoute} method's body in place of the model's stream: run with the attempt
   * bound to the thread, its publisher (of text or chunks) read as the attempt's stream, its end
   * the answer's end.
   */
  private CompletionStage<ChatResponse> streamBody(CallState call, Variant variant, int number, AttemptBody body, StreamOut out) {
    Attempt bound = new Attempt(call, body, variant, number, (v, request) -> exchange(call, v, request));
    AttemptStream attempt = attemptStream(call, variant, call.prepared(variant), out, true);
    try (CallMdc ignored = CallMdc.open(call, mdc); CurrentCall.Scope scope = CurrentCall.bind(bound)) {
      Object result = body.run(bound).toCompletableFuture().getNow(null);
      if (!(result instanceof java.util.concurrent.Flow.Publisher<?> publisher)) {
        throw new ModelCallException(ModelCallException.Kind.OTHER, 0, "the streaming @LlmRoute method returned "
            + (result == null ? "null" : result.getClass().getName()) + " instead of a Flow.Publisher", null, null);
      }
      attempt.begin(BodyChunks.of(publisher));
    } catch (Throwable t) {
      body.threw(Failures.unwrap(t));
      attempt.fail(bodyFailure(call, t));
    }
    return Stages.handle(attempt, call, attempt, 0, bodyStreamed);
  }

  /** A streamed attempt's end counted as a whole one's is; a stream that broke after some text is billed for that text. */
  private final class Streamed implements Stages.Handler<ChatResponse, AttemptStream> {
    @Override
    public ChatResponse answered(CallState call, AttemptStream attempt, long unused, ChatResponse response) {
      ChatResponse r = ModelInvocation.this.answered(call, attempt.meters.variant(), attempt.meters, response, time.nanoTime() - attempt.start);
      CallObservations.answered(attempt.observation, r);
      return r;
    }

    @Override
    public RuntimeException failed(CallState call, AttemptStream attempt, long unused, Throwable failure) {
      SluiceException e = failure(call, failure);
      long nanos = time.nanoTime() - attempt.start;
      ChatResponse partial = attempt.partial();
      if (partial != null) {
        call.addUsage(partial.usage(), cost(attempt.meters.variant(), partial));
        call.detail("stream_billed", "for the text received before the stream broke");
      }
      attempt.meters.recordModelFailure(errorType(e), nanos);
      CallObservations.failed(attempt.observation, errorType(e), e);
      return e;
    }
  }

  /** One request to the variant's model, aborted with the attempt, counted on the call. */
  private CompletableFuture<ChatResponse> exchange(CallState call, Variant variant, ChatRequest prepared) {
    long start = time.nanoTime();
    Exchange exchange = new Exchange(meters.of(variant), observations.startAttempt(call, variant, prepared, false));
    CompletableFuture<ChatResponse> answer;
    try (CallMdc ignored = CallMdc.open(call, mdc); Observation.Scope scope = exchange.observation().openScope()) {
      answer = variant.client().chatAsync(prepared).toCompletableFuture();
    } catch (Throwable t) {
      answer = CompletableFuture.failedFuture(t);
    }
    call.inFlight(answer);
    return Stages.handle(answer, call, exchange, start, exchanged).toCompletableFuture();
  }

  /** One request's answer counted on the call (usage, cost, GenAI meters), or its failure on the meters. */
  private final class Exchanged implements Stages.Handler<ChatResponse, Exchange> {
    @Override
    public ChatResponse answered(CallState call, Exchange x, long start, ChatResponse response) {
      ChatResponse r = ModelInvocation.this.answered(call, x.meters().variant(), x.meters(), response, time.nanoTime() - start);
      CallObservations.answered(x.observation(), r);
      return r;
    }

    @Override
    public RuntimeException failed(CallState call, Exchange x, long start, Throwable failure) {
      SluiceException e = failure(call, failure);
      x.meters().recordModelFailure(errorType(e), time.nanoTime() - start);
      CallObservations.failed(x.observation(), errorType(e), e);
      return e;
    }
  }

  /** One request's meters and observation. */
  private record Exchange(VariantMeters meters, Observation observation) {}

  /**
   * Counts an answer's usage and cost on the call and records its GenAI meters. Usage no request
   * of this size could have used is not believed: it becomes {@link TokenUsage#UNKNOWN} (flagged
   * on the call), so the cost is unknown and a budget settles at what it reserved. The cost is at
   * the variant's model's price, the one the budget reserved at: a provider naming another model
   * in its answer is recorded, and its price counts only if it is higher.
   */
  private ChatResponse answered(CallState call, Variant variant, VariantMeters vm, ChatResponse response, long nanos) {
    ChatResponse r = response;
    if (r.usage().reported() && !UsageBounds.plausible(call.prepared(variant), r.usage())) {
      call.detail("usage_not_plausible", "input=" + r.usage().inputTokens() + " output=" + r.usage().outputTokens());
      log.warn("route {} variant {}: the provider reported {} input and {} output tokens, more than the request could use; "
          + "recorded as unknown", call.route().name(), variant.id(), r.usage().inputTokens(), r.usage().outputTokens());
      r = new ChatResponse(r.text(), r.finishReason(), TokenUsage.UNKNOWN, r.provider(), r.responseModel(), r.toolCalls());
    }
    call.addUsage(r.usage(), cost(variant, r));
    vm.recordModelCall(r, nanos);
    return r;
  }

  private Cost cost(Variant variant, ChatResponse r) {
    if (!r.usage().reported()) {
      return Cost.UNKNOWN;
    }
    Cost atReserved = prices.cost(variant.model(), r.usage());
    if (r.responseModel().equals(variant.model())) {
      return atReserved;
    }
    Cost atAnswered = prices.cost(r.responseModel(), r.usage());
    if (!atReserved.isKnown()) {
      return atAnswered;
    }
    return atAnswered.isKnown() && atAnswered.compareTo(atReserved) > 0 ? atAnswered : atReserved;
  }

  /**
   * An {@code @LlmRoute} method's body in place of the model call: bound to the thread with the
   * MDC set, its model calls made through {@link #exchange}, its result turned into the answer the
   * outer steps check.
   */
  private CompletionStage<ChatResponse> runBody(CallState call, Variant variant, int number, AttemptBody body) {
    Attempt attempt = new Attempt(call, body, variant, number, (v, request) -> exchange(call, v, request));
    CompletionStage<?> result;
    try (CallMdc ignored = CallMdc.open(call, mdc); CurrentCall.Scope bound = CurrentCall.bind(attempt)) {
      result = body.run(attempt);
    } catch (Throwable t) {
      body.threw(t);
      return CompletableFuture.failedFuture(bodyFailure(call, t));
    }
    return Stages.handle(result, call, attempt, 0, bodyDone);
  }

  /** The body's result as the answer the outer steps check, or what it threw as the attempt's failure. */
  private static final class BodyDone implements Stages.Handler<Object, Attempt> {
    @Override
    public ChatResponse answered(CallState call, Attempt attempt, long unused, Object value) {
      return attempt.body().answer(value, attempt, attempt.lastResponse());
    }

    @Override
    public RuntimeException failed(CallState call, Attempt attempt, long unused, Throwable failure) {
      attempt.body().threw(Failures.unwrap(failure));
      return bodyFailure(call, failure);
    }
  }

  /** What the body threw: Sluice's own failures as they are, anything else a non-retryable failure of the method. */
  private static SluiceException bodyFailure(CallState call, Throwable thrown) {
    Throwable t = Failures.unwrap(thrown);
    if (call.abortReason() != null || t instanceof SluiceException) {
      return failure(call, t);
    }
    return new ModelCallException(ModelCallException.Kind.OTHER, 0, "the @LlmRoute method failed: " + t, null, t);
  }

  private static SluiceException failure(CallState call, Throwable failure) {
    Throwable aborted = call.abortReason();
    return Failures.fromModel(aborted != null ? aborted : failure);
  }

  static String errorType(SluiceException e) {
    return e instanceof ModelCallException m ? m.kind().tag() : "_OTHER";
  }
}
