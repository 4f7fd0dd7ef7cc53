package dev.sluice.internal.resilience;

import dev.sluice.outcome.CallRejectedException;
import dev.sluice.Route;
import dev.sluice.release.Variant;
import dev.sluice.internal.Stages;
import dev.sluice.model.ChatResponse;
import dev.sluice.internal.StateChain;
import dev.sluice.internal.CallState;
import dev.sluice.internal.StateStep;
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
public final class BulkheadStep implements StateStep, Stages.After<Bulkhead> {

  private final Route route;
  private final Breakers breakers;
  private final MeterRegistry meters;
  /** Per variant, so an attempt looks nothing up by name (fallback variants join on first use). */
  private final ConcurrentHashMap<Variant, Guards> guards = new ConcurrentHashMap<>();

  private record Guards(Bulkhead bulkhead, @Nullable RateLimiter limiter, Counter bulkheadFull, Counter rateLimited) {}

  public BulkheadStep(Route route, Breakers breakers, MeterRegistry meters) {
    this.route = route;
    this.breakers = breakers;
    this.meters = meters;
    // Everything a rejection needs is resolved now, not on the failure path of a call.
    for (Variant v : route.variants().values()) {
      guards.put(v, guards(v));
    }
  }

  private Guards guards(Variant v) {
    return new Guards(breakers.bulkhead(route, v), breakers.rateLimiter(route, v).orElse(null),
        rejections(v, "bulkhead_full"), rejections(v, "rate_limited"));
  }

  private Counter rejections(Variant variant, String reason) {
    return Counter.builder("sluice.rejections").description("Attempts turned away before reaching the model")
        .tag("route", route.name()).tag("variant", variant.id()).tag("reason", reason).register(meters);
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    Variant variant = call.requireVariant();
    Guards g = guards.get(variant);
    if (g == null) {
      g = guards.computeIfAbsent(variant, this::guards);
    }
    Bulkhead bulkhead = g.bulkhead();
    if (!bulkhead.tryAcquirePermission()) {
      return reject(g.bulkheadFull(), "bulkhead_full", "the bulkhead of route '" + route.name() + "' variant '" + variant.id()
          + "' has all " + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + " slots in use");
    }
    RateLimiter limiter = g.limiter();
    if (limiter != null && !limiter.acquirePermission()) {
      bulkhead.onComplete();
      return reject(g.rateLimited(), "rate_limited", "route '" + route.name() + "' variant '" + variant.id() + "' is over its limit of "
          + route.resilience(variant).bulkhead().requestsPerMinute() + " requests per minute");
    }
    CompletionStage<ChatResponse> attempt;
    try {
      attempt = next.proceed(call);
    } catch (RuntimeException e) {
      bulkhead.onComplete();
      throw e;
    }
    return Stages.after(attempt, call, bulkhead, 0, this);
  }

  /** The attempt's slot back to its bulkhead, whatever the outcome. */
  @Override
  public void after(CallState call, Bulkhead bulkhead, long unused, @Nullable ChatResponse response, @Nullable Throwable failure) {
    bulkhead.onComplete();
  }

  private static CompletionStage<ChatResponse> reject(Counter rejections, String reason, String message) {
    rejections.increment();
    return CompletableFuture.failedFuture(new CallRejectedException(reason, message));
  }
}
