package dev.sluice.internal.resilience;

import dev.sluice.CallRejectedException;
import dev.sluice.Route;
import dev.sluice.Variant;
import dev.sluice.internal.Stages;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallChain;
import dev.sluice.pipeline.CallContext;
import dev.sluice.pipeline.CallStep;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Per variant: Resilience4j's semaphore bulkhead (concurrent attempts) and, when the policy sets
 * one, its rate limiter (attempts per minute). A full bulkhead or an empty rate limiter rejects the
 * attempt with {@link CallRejectedException}; the bulkhead slot is released when the attempt ends,
 * however it ends.
 */
public final class BulkheadStep implements CallStep {

  private final Route route;
  private final Breakers breakers;
  private final MeterRegistry meters;
  /** Per variant, so an attempt looks nothing up by name (fallback variants join on first use). */
  private final ConcurrentHashMap<Variant, Guards> guards = new ConcurrentHashMap<>();

  private record Guards(Bulkhead bulkhead, @Nullable RateLimiter limiter) {}

  public BulkheadStep(Route route, Breakers breakers, MeterRegistry meters) {
    this.route = route;
    this.breakers = breakers;
    this.meters = meters;
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallContext call, CallChain next) {
    Variant variant = call.requireVariant();
    Guards g = guards.get(variant);
    if (g == null) {
      g = guards.computeIfAbsent(variant, v -> new Guards(breakers.bulkhead(route, v), breakers.rateLimiter(route, v).orElse(null)));
    }
    Bulkhead bulkhead = g.bulkhead();
    if (!bulkhead.tryAcquirePermission()) {
      return reject(variant, "bulkhead_full", "the bulkhead of route '" + route.name() + "' variant '" + variant.id()
          + "' has all " + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + " slots in use");
    }
    RateLimiter limiter = g.limiter();
    if (limiter != null && !limiter.acquirePermission()) {
      bulkhead.onComplete();
      return reject(variant, "rate_limited", "route '" + route.name() + "' variant '" + variant.id() + "' is over its limit of "
          + route.resilience(variant).requestsPerMinute() + " requests per minute");
    }
    CompletionStage<ChatResponse> attempt;
    try {
      attempt = next.proceed(call);
    } catch (RuntimeException e) {
      bulkhead.onComplete();
      throw e;
    }
    if (Stages.doneValue(attempt) != null) {
      bulkhead.onComplete();
      return attempt;
    }
    return attempt.whenComplete((r, e) -> bulkhead.onComplete());
  }

  private CompletionStage<ChatResponse> reject(Variant variant, String reason, String message) {
    Counter.builder("sluice.rejections").description("Attempts turned away before reaching the model")
        .tag("route", route.name()).tag("variant", variant.id()).tag("reason", reason)
        .register(meters).increment();
    return CompletableFuture.failedFuture(new CallRejectedException(reason, message));
  }
}
