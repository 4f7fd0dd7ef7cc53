package dev.sluice.internal.resilience;

import dev.sluice.outcome.CallTimeoutException;
import dev.sluice.outcome.GuardrailBlockedException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.resilience.BulkheadPolicy;
import dev.sluice.resilience.CircuitBreakerPolicy;
import dev.sluice.resilience.VariantResilience;
import dev.sluice.Route;
import dev.sluice.release.Variant;
import dev.sluice.internal.Failures;
import dev.sluice.time.TimeSource;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import dev.sluice.internal.OwnedGauges;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One Sluice instance's Resilience4j registries, bound to its meter registry, and the per-variant
 * breakers, bulkheads and rate limiters made from each route's policy. Instances are named
 * {@code route/variant}.
 */
public final class Breakers {

  private final TimeSource time;
  private final MeterRegistry meters;
  private final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.ofDefaults();
  private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
  private final RateLimiterRegistry rateLimiters = RateLimiterRegistry.ofDefaults();
  private final RetryRegistry retries = RetryRegistry.ofDefaults();

  private final OwnedGauges gauges;

  public Breakers(TimeSource time, OwnedGauges gauges) {
    this.time = time;
    this.meters = gauges.registry();
    this.gauges = gauges;
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(circuitBreakers).bindTo(meters);
    TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
    TaggedRateLimiterMetrics.ofRateLimiterRegistry(rateLimiters).bindTo(meters);
    TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
  }

  /** Removes every breaker, bulkhead, rate limiter and retry (Resilience4j removes their meters with them). */
  public void close() {
    circuitBreakers.getAllCircuitBreakers().forEach(c -> circuitBreakers.remove(c.getName()));
    bulkheads.getAllBulkheads().forEach(b -> bulkheads.remove(b.getName()));
    rateLimiters.getAllRateLimiters().forEach(r -> rateLimiters.remove(r.getName()));
    retries.getAllRetries().forEach(r -> retries.remove(r.getName()));
  }

  private RateLimiter rateLimiterReplacing(String name, RateLimiterConfig config) {
    gauges.removeFamily("resilience4j.ratelimiter", Tag.of("name", name));
    return rateLimiters.rateLimiter(name, config);
  }

  public static String name(Route route, Variant variant) {
    return route.name() + "/" + variant.id();
  }

  /** The route's retry, taking over the meters another instance registered for it. */
  public Retry retry(String name, RetryConfig config) {
    gauges.removeFamily("resilience4j.retry", Tag.of("name", name));
    return retries.retry(name, config);
  }

  /** The variant's breaker, made on first use from the variant's policy. */
  public CircuitBreaker circuitBreaker(Route route, Variant variant) {
    String name = name(route, variant);
    return circuitBreakers.find(name).orElseGet(() -> {
      VariantResilience v = route.resilience(variant);
      CircuitBreakerPolicy p = v.circuitBreaker();
      CircuitBreakerConfig config = CircuitBreakerConfig.custom()
          .failureRateThreshold(p.failureRateThreshold())
          .slowCallRateThreshold(p.slowCallRateThreshold())
          .slowCallDurationThreshold(v.slowCallDuration())
          .slidingWindow(p.window(), Math.min(p.minimumCalls(), p.window()), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
          .waitDurationInOpenState(p.waitInOpen())
          .permittedNumberOfCallsInHalfOpenState(p.halfOpenCalls())
          .recordException(Breakers::countsAgainstTheVariant)
          .ignoreException(t -> !countsAgainstTheVariant(t) && !(Failures.unwrap(t) instanceof ModelCallException))
          .clock(time.asClock())
          .currentTimestampFunction(clock -> time.nanoTime(), TimeUnit.NANOSECONDS)
          .build();
      gauges.removeFamily("resilience4j.circuitbreaker", Tag.of("name", name));
      CircuitBreaker cb = circuitBreakers.circuitBreaker(name, config);
      gauges.register("sluice.breaker.state", Tags.of("route", route.name(), "variant", variant.id()), cb, b -> stateCode(b.getState()),
          "Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 other (disabled, forced open, metrics only)", null);
      return cb;
    });
  }

  public Optional<CircuitBreaker> findCircuitBreaker(Route route, Variant variant) {
    return circuitBreakers.find(name(route, variant));
  }

  /** The variant's bulkhead, made on first use. */
  public Bulkhead bulkhead(Route route, Variant variant) {
    String name = name(route, variant);
    return bulkheads.find(name).orElseGet(() -> {
      gauges.removeFamily("resilience4j.bulkhead", Tag.of("name", name));
      BulkheadPolicy p = route.resilience(variant).bulkhead();
      return bulkheads.bulkhead(name, BulkheadConfig.custom()
          .maxConcurrentCalls(p.maxConcurrent())
          .maxWaitDuration(p.maxWait())
          .build());
    });
  }

  /** The variant's rate limiter, or empty when its policy sets none. */
  public Optional<RateLimiter> rateLimiter(Route route, Variant variant) {
    BulkheadPolicy p = route.resilience(variant).bulkhead();
    if (p.requestsPerMinute() == 0) {
      return Optional.empty();
    }
    String name = name(route, variant);
    return Optional.of(rateLimiters.find(name).orElseGet(() -> rateLimiterReplacing(name, RateLimiterConfig.custom()
        .limitForPeriod(p.requestsPerMinute())
        .limitRefreshPeriod(Duration.ofMinutes(1))
        .timeoutDuration(Duration.ZERO)
        .build())));
  }

  /**
   * Whether a failure says the variant is unhealthy: server errors, rate limits, timeouts,
   * connection failures, bad output and output guardrail blocks. A 400, 401, 403, 404 or a
   * context-length error is the caller's problem and counts as a call the variant served.
   */
  static boolean countsAgainstTheVariant(Throwable thrown) {
    Throwable t = Failures.unwrap(thrown);
    if (t instanceof ModelCallException m) {
      return m.kind() != ModelCallException.Kind.CLIENT_ERROR && m.kind() != ModelCallException.Kind.CONTEXT_LENGTH;
    }
    return t instanceof CallTimeoutException || t instanceof GuardrailBlockedException;
  }

  private static double stateCode(CircuitBreaker.State s) {
    return switch (s) {
      case CLOSED -> 0;
      case OPEN -> 1;
      case HALF_OPEN -> 2;
      default -> 3;
    };
  }
}
