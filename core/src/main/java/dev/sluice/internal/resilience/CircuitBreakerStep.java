package dev.sluice.internal.resilience;

import dev.sluice.outcome.CircuitOpenException;
import dev.sluice.Route;
import dev.sluice.release.Variant;
import dev.sluice.internal.Stages;
import dev.sluice.model.ChatResponse;
import dev.sluice.internal.StateChain;
import dev.sluice.internal.CallState;
import dev.sluice.internal.StateStep;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The current variant's Resilience4j circuit breaker around each attempt. An open breaker fails
 * the attempt at once with {@link CircuitOpenException} (not retried: the fallback chain takes
 * over). Attempt durations come from the Sluice time source, so slow-call rules and the open
 * state's wait work under simulated time.
 */
public final class CircuitBreakerStep implements StateStep, Stages.After<CircuitBreaker> {

  private final Route route;
  private final Breakers breakers;
  /** Per variant, so an attempt looks nothing up by name (fallback variants join on first use). */
  private final ConcurrentHashMap<Variant, CircuitBreaker> byVariant = new ConcurrentHashMap<>();

  public CircuitBreakerStep(Route route, Breakers breakers) {
    this.route = route;
    this.breakers = breakers;
    route.variants().values().forEach(v -> byVariant.put(v, breakers.circuitBreaker(route, v)));
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    Variant variant = call.requireVariant();
    CircuitBreaker known = byVariant.get(variant);
    CircuitBreaker cb = known != null ? known : byVariant.computeIfAbsent(variant, v -> breakers.circuitBreaker(route, v));
    if (!cb.tryAcquirePermission()) {
      return CompletableFuture.failedFuture(new CircuitOpenException(variant.id(),
          "the circuit breaker of route '" + route.name() + "' variant '" + variant.id() + "' is " + cb.getState()
              + "; calls fail fast until a half-open probe succeeds. Configure a fallback to answer meanwhile."));
    }
    long start = cb.getCurrentTimestamp();
    return Stages.after(next.proceed(call), call, cb, start, this);
  }

  /** The attempt's outcome on the breaker that let it through. */
  @Override
  public void after(CallState call, CircuitBreaker cb, long start, @Nullable ChatResponse response, @Nullable Throwable failure) {
    long elapsed = cb.getCurrentTimestamp() - start;
    if (failure == null) {
      cb.onSuccess(elapsed, cb.getTimestampUnit());
    } else {
      cb.onError(elapsed, cb.getTimestampUnit(), failure);
    }
  }
}
