package dev.sluice.internal;

import dev.sluice.ModelCallException;
import dev.sluice.SluiceException;
import dev.sluice.Variant;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallChain;
import dev.sluice.pipeline.CallContext;
import dev.sluice.pricing.Cost;
import dev.sluice.pricing.PriceTable;
import dev.sluice.time.TimeSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The innermost link: one attempt at the current variant's model. Counts the attempt, prepares the
 * variant's request, calls the client with the MDC set, registers the request so that cancelling
 * the call aborts it, and records the GenAI meters, usage and cost of the attempt.
 */
public final class ModelInvocation implements CallChain {

  private final RouteMeters meters;
  private final PriceTable prices;
  private final TimeSource time;

  public ModelInvocation(RouteMeters meters, PriceTable prices, TimeSource time) {
    this.meters = meters;
    this.prices = prices;
    this.time = time;
  }

  @Override
  public CompletionStage<ChatResponse> proceed(CallContext call) {
    Variant variant = call.requireVariant();
    if (call.isCancelled()) {
      return CompletableFuture.failedFuture(new SluiceException("the call was cancelled before attempt " + (call.attempts() + 1)));
    }
    ChatRequest prepared = variant.prepare(call.request());
    call.startAttempt();
    long start = time.nanoTime();
    CompletableFuture<ChatResponse> answer;
    try (CallMdc ignored = CallMdc.open(call)) {
      answer = variant.client().chatAsync(prepared).toCompletableFuture();
    } catch (Throwable t) {
      answer = CompletableFuture.failedFuture(t);
    }
    call.inFlight(answer);
    VariantMeters vm = meters.of(variant);
    return answer.handle((response, failure) -> {
      long nanos = time.nanoTime() - start;
      if (failure != null) {
        Throwable aborted = call.abortReason();
        SluiceException e = Failures.fromModel(aborted != null ? aborted : failure);
        vm.recordModelFailure(errorType(e), nanos);
        throw e;
      }
      Cost cost = prices.cost(response.responseModel(), response.usage());
      if (!cost.isKnown()) {
        cost = prices.cost(variant.model(), response.usage());
      }
      call.addUsage(response.usage(), cost);
      vm.recordModelCall(response, nanos);
      return response;
    });
  }

  static String errorType(SluiceException e) {
    return e instanceof ModelCallException m ? m.kind().tag() : "_OTHER";
  }
}
