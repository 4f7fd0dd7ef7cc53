package dev.sluice;

import org.jspecify.annotations.Nullable;
import dev.sluice.internal.Checks;
import java.time.Duration;

/**
 * How a route's calls are protected: a deadline for the whole call, a timeout per attempt,
 * retries with exponential backoff and jitter under a retry budget, and per variant a circuit
 * breaker, a bulkhead and an optional rate limiter. Immutable; defaults are the public constants.
 *
 * <pre>{@code
 * ResiliencePolicy policy = ResiliencePolicy.builder()
 *     .deadline(Duration.ofSeconds(8))
 *     .attemptTimeout(Duration.ofSeconds(3))
 *     .maxAttempts(3)
 *     .retryBudget(0.2, Duration.ofSeconds(10), 10)
 *     .circuitBreaker(50, 20, Duration.ofSeconds(30))
 *     .bulkhead(32, Duration.ZERO)
 *     .build();
 * Route route = Route.builder("support-answer").baseline(v1).resilience(policy).build();
 * }</pre>
 */
public final class ResiliencePolicy {

  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MIN_ATTEMPT_TIME = Duration.ofMillis(50);
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
  public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
  public static final double DEFAULT_JITTER = 0.5;
  public static final Duration DEFAULT_RETRY_AFTER_CAP = Duration.ofSeconds(10);
  public static final double DEFAULT_RETRY_BUDGET_RATIO = 0.2;
  public static final Duration DEFAULT_RETRY_BUDGET_WINDOW = Duration.ofSeconds(10);
  public static final int DEFAULT_RETRY_BUDGET_MIN_RETRIES = 10;
  public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50;
  public static final float DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100;
  public static final int DEFAULT_BREAKER_WINDOW = 50;
  public static final int DEFAULT_BREAKER_MINIMUM_CALLS = 20;
  public static final Duration DEFAULT_WAIT_IN_OPEN = Duration.ofSeconds(30);
  public static final int DEFAULT_HALF_OPEN_CALLS = 5;
  public static final int DEFAULT_MAX_CONCURRENT = 64;

  /** Every default. */
  public static final ResiliencePolicy DEFAULTS = builder().build();

  private final Duration deadline;
  private final Duration attemptTimeout;
  private final Duration minAttemptTime;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final double backoffMultiplier;
  private final Duration maxBackoff;
  private final double jitter;
  private final Duration retryAfterCap;
  private final double retryBudgetRatio;
  private final Duration retryBudgetWindow;
  private final int retryBudgetMinRetries;
  private final float failureRateThreshold;
  private final float slowCallRateThreshold;
  private final Duration slowCallDuration;
  private final int breakerWindow;
  private final int breakerMinimumCalls;
  private final Duration waitInOpen;
  private final int halfOpenCalls;
  private final int maxConcurrent;
  private final Duration maxWait;
  private final int requestsPerMinute;
  private final boolean failOnTruncatedOutput;

  private ResiliencePolicy(Builder b) {
    this.deadline = Checks.positive("resilience.deadline", b.deadline);
    this.attemptTimeout = Checks.positive("resilience.attemptTimeout", b.attemptTimeout);
    this.minAttemptTime = Checks.positive("resilience.minAttemptTime", b.minAttemptTime);
    this.maxAttempts = Checks.atLeast("resilience.maxAttempts", b.maxAttempts, 1);
    this.initialBackoff = Checks.positive("resilience.initialBackoff", b.initialBackoff);
    if (!(b.backoffMultiplier >= 1)) {
      throw new InvalidConfigurationException("resilience.backoffMultiplier", b.backoffMultiplier, "a number of at least 1");
    }
    this.backoffMultiplier = b.backoffMultiplier;
    this.maxBackoff = Checks.positive("resilience.maxBackoff", b.maxBackoff);
    this.jitter = Checks.fraction("resilience.jitter", b.jitter);
    if (jitter >= 1) {
      throw new InvalidConfigurationException("resilience.jitter", jitter, "a number from 0 up to, not including, 1");
    }
    this.retryAfterCap = Checks.positive("resilience.retryAfterCap", b.retryAfterCap);
    this.retryBudgetRatio = Checks.fraction("resilience.retryBudget.ratio", b.retryBudgetRatio);
    this.retryBudgetWindow = Checks.positive("resilience.retryBudget.window", b.retryBudgetWindow);
    this.retryBudgetMinRetries = Checks.atLeast("resilience.retryBudget.minRetries", b.retryBudgetMinRetries, 0);
    this.failureRateThreshold = percent("resilience.circuitBreaker.failureRateThreshold", b.failureRateThreshold);
    this.slowCallRateThreshold = percent("resilience.circuitBreaker.slowCallRateThreshold", b.slowCallRateThreshold);
    this.slowCallDuration = b.slowCallDuration == null ? attemptTimeout : Checks.positive("resilience.circuitBreaker.slowCallDuration", b.slowCallDuration);
    this.breakerWindow = Checks.atLeast("resilience.circuitBreaker.window", b.breakerWindow, 1);
    this.breakerMinimumCalls = Checks.atLeast("resilience.circuitBreaker.minimumCalls", b.breakerMinimumCalls, 1);
    this.waitInOpen = Checks.positive("resilience.circuitBreaker.waitInOpen", b.waitInOpen);
    this.halfOpenCalls = Checks.atLeast("resilience.circuitBreaker.halfOpenCalls", b.halfOpenCalls, 1);
    this.maxConcurrent = Checks.atLeast("resilience.bulkhead.maxConcurrent", b.maxConcurrent, 1);
    if (b.maxWait == null || b.maxWait.isNegative()) {
      throw new InvalidConfigurationException("resilience.bulkhead.maxWait", b.maxWait, "zero or a positive duration");
    }
    this.maxWait = b.maxWait;
    this.requestsPerMinute = Checks.atLeast("resilience.rateLimit.requestsPerMinute", b.requestsPerMinute, 0);
    this.failOnTruncatedOutput = b.failOnTruncatedOutput;
  }

  private static float percent(String field, float v) {
    if (!(v > 0 && v <= 100)) {
      throw new InvalidConfigurationException(field, v, "a percentage greater than 0 and at most 100");
    }
    return v;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this policy's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The whole call, every attempt, backoff and fallback included, must end within this. */
  public Duration deadline() {
    return deadline;
  }

  /** One attempt may take at most this long (less if the deadline is nearer). */
  public Duration attemptTimeout() {
    return attemptTimeout;
  }

  /** No attempt starts with less than this left before the deadline. */
  public Duration minAttemptTime() {
    return minAttemptTime;
  }

  /** Attempts per call, the first one included; 1 means no retries. */
  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public double backoffMultiplier() {
    return backoffMultiplier;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** Each backoff is drawn uniformly within ± this fraction of its nominal value. */
  public double jitter() {
    return jitter;
  }

  /** A provider's Retry-After is honoured up to this long. */
  public Duration retryAfterCap() {
    return retryAfterCap;
  }

  /** Retries may be at most this share of calls over {@link #retryBudgetWindow()}. */
  public double retryBudgetRatio() {
    return retryBudgetRatio;
  }

  public Duration retryBudgetWindow() {
    return retryBudgetWindow;
  }

  /** Retries always allowed per window, so a quiet route can still retry. */
  public int retryBudgetMinRetries() {
    return retryBudgetMinRetries;
  }

  public float failureRateThreshold() {
    return failureRateThreshold;
  }

  public float slowCallRateThreshold() {
    return slowCallRateThreshold;
  }

  /** An attempt slower than this counts as slow for the breaker; default the attempt timeout. */
  public Duration slowCallDuration() {
    return slowCallDuration;
  }

  /** The breaker's count-based sliding window, in attempts. */
  public int breakerWindow() {
    return breakerWindow;
  }

  public int breakerMinimumCalls() {
    return breakerMinimumCalls;
  }

  public Duration waitInOpen() {
    return waitInOpen;
  }

  public int halfOpenCalls() {
    return halfOpenCalls;
  }

  public int maxConcurrent() {
    return maxConcurrent;
  }

  /** How long an attempt may wait for a bulkhead slot; waiting blocks the thread that starts the attempt. */
  public Duration maxWait() {
    return maxWait;
  }

  /** 0 for no rate limit. */
  public int requestsPerMinute() {
    return requestsPerMinute;
  }

  /** Whether output cut off at max tokens counts as a failed attempt. */
  public boolean failOnTruncatedOutput() {
    return failOnTruncatedOutput;
  }

  @Override
  public String toString() {
    return "ResiliencePolicy[deadline=" + deadline + ", attemptTimeout=" + attemptTimeout + ", maxAttempts=" + maxAttempts
        + ", backoff=" + initialBackoff + "x" + backoffMultiplier + "<=" + maxBackoff + "±" + jitter
        + ", retryBudget=" + retryBudgetRatio + "/" + retryBudgetWindow + "+" + retryBudgetMinRetries
        + ", breaker=" + failureRateThreshold + "%/" + breakerWindow + " min " + breakerMinimumCalls + " open " + waitInOpen
        + ", bulkhead=" + maxConcurrent + " wait " + maxWait + ", rpm=" + requestsPerMinute + "]";
  }

  /** Builds a {@link ResiliencePolicy}; {@link #build()} checks every value and names the field at fault. */
  public static final class Builder {
    private Duration deadline = DEFAULT_DEADLINE;
    private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
    private Duration minAttemptTime = DEFAULT_MIN_ATTEMPT_TIME;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private double backoffMultiplier = DEFAULT_BACKOFF_MULTIPLIER;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private double jitter = DEFAULT_JITTER;
    private Duration retryAfterCap = DEFAULT_RETRY_AFTER_CAP;
    private double retryBudgetRatio = DEFAULT_RETRY_BUDGET_RATIO;
    private Duration retryBudgetWindow = DEFAULT_RETRY_BUDGET_WINDOW;
    private int retryBudgetMinRetries = DEFAULT_RETRY_BUDGET_MIN_RETRIES;
    private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
    private float slowCallRateThreshold = DEFAULT_SLOW_CALL_RATE_THRESHOLD;
    private @Nullable Duration slowCallDuration;
    private int breakerWindow = DEFAULT_BREAKER_WINDOW;
    private int breakerMinimumCalls = DEFAULT_BREAKER_MINIMUM_CALLS;
    private Duration waitInOpen = DEFAULT_WAIT_IN_OPEN;
    private int halfOpenCalls = DEFAULT_HALF_OPEN_CALLS;
    private int maxConcurrent = DEFAULT_MAX_CONCURRENT;
    private Duration maxWait = Duration.ZERO;
    private int requestsPerMinute;
    private boolean failOnTruncatedOutput = true;

    private Builder() {}

    private Builder(ResiliencePolicy p) {
      deadline = p.deadline;
      attemptTimeout = p.attemptTimeout;
      minAttemptTime = p.minAttemptTime;
      maxAttempts = p.maxAttempts;
      initialBackoff = p.initialBackoff;
      backoffMultiplier = p.backoffMultiplier;
      maxBackoff = p.maxBackoff;
      jitter = p.jitter;
      retryAfterCap = p.retryAfterCap;
      retryBudgetRatio = p.retryBudgetRatio;
      retryBudgetWindow = p.retryBudgetWindow;
      retryBudgetMinRetries = p.retryBudgetMinRetries;
      failureRateThreshold = p.failureRateThreshold;
      slowCallRateThreshold = p.slowCallRateThreshold;
      slowCallDuration = p.slowCallDuration;
      breakerWindow = p.breakerWindow;
      breakerMinimumCalls = p.breakerMinimumCalls;
      waitInOpen = p.waitInOpen;
      halfOpenCalls = p.halfOpenCalls;
      maxConcurrent = p.maxConcurrent;
      maxWait = p.maxWait;
      requestsPerMinute = p.requestsPerMinute;
      failOnTruncatedOutput = p.failOnTruncatedOutput;
    }

    public Builder deadline(Duration d) {
      this.deadline = d;
      return this;
    }

    public Builder attemptTimeout(Duration d) {
      this.attemptTimeout = d;
      return this;
    }

    public Builder minAttemptTime(Duration d) {
      this.minAttemptTime = d;
      return this;
    }

    public Builder maxAttempts(int n) {
      this.maxAttempts = n;
      return this;
    }

    /** Exponential backoff: {@code initial * multiplier^(n-1)}, capped at {@code max}, ± {@code jitter}. */
    public Builder backoff(Duration initial, double multiplier, Duration max, double jitter) {
      this.initialBackoff = initial;
      this.backoffMultiplier = multiplier;
      this.maxBackoff = max;
      this.jitter = jitter;
      return this;
    }

    public Builder retryAfterCap(Duration cap) {
      this.retryAfterCap = cap;
      return this;
    }

    /** Retries at most {@code ratio} of calls over {@code window}, plus {@code minRetries} per window. */
    public Builder retryBudget(double ratio, Duration window, int minRetries) {
      this.retryBudgetRatio = ratio;
      this.retryBudgetWindow = window;
      this.retryBudgetMinRetries = minRetries;
      return this;
    }

    /** Opens at {@code failureRatePercent} failures over the last {@code window} attempts (once {@code window} calls are seen). */
    public Builder circuitBreaker(float failureRatePercent, int window, Duration waitInOpen) {
      this.failureRateThreshold = failureRatePercent;
      this.breakerWindow = window;
      this.breakerMinimumCalls = window;
      this.waitInOpen = waitInOpen;
      return this;
    }

    public Builder breakerMinimumCalls(int n) {
      this.breakerMinimumCalls = n;
      return this;
    }

    public Builder slowCalls(float slowCallRatePercent, Duration slowerThan) {
      this.slowCallRateThreshold = slowCallRatePercent;
      this.slowCallDuration = slowerThan;
      return this;
    }

    public Builder halfOpenCalls(int n) {
      this.halfOpenCalls = n;
      return this;
    }

    public Builder bulkhead(int maxConcurrent, Duration maxWait) {
      this.maxConcurrent = maxConcurrent;
      this.maxWait = maxWait;
      return this;
    }

    public Builder requestsPerMinute(int rpm) {
      this.requestsPerMinute = rpm;
      return this;
    }

    public Builder failOnTruncatedOutput(boolean fail) {
      this.failOnTruncatedOutput = fail;
      return this;
    }

    public ResiliencePolicy build() {
      return new ResiliencePolicy(this);
    }
  }
}
