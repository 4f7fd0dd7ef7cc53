package dev.sluice.internal;

import dev.sluice.outcome.FallbackUse;
import dev.sluice.outcome.Outcome;
import dev.sluice.Route;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallContext;
import dev.sluice.pipeline.CallKey;
import dev.sluice.model.TokenUsage;
import dev.sluice.pricing.Cost;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The executor's side of one call: the mutable state behind the read-only {@link CallContext}
 * that steps and plugins see. Only Sluice's own steps (the executor) hold it as a {@code
 * CallState}; they change it through the narrow operations below.
 *
 * <p>One call's steps run one after another, possibly on different threads, each hand-over through
 * a {@code CompletableFuture}; the fields are volatile for the readers on other threads (shadow,
 * timer, a caller cancelling). What may be written from several threads at once (usage and cost,
 * when an {@code @LlmRoute} body completes requests in parallel; audit details; per-call keys) is
 * guarded by the state's own monitor.
 */
public final class CallState implements CallContext {

  private final String callId;
  private final Route route;
  private final Subject subject;
  private final Instant startedAt;
  private final long startNanos;
  private volatile ChatRequest request;
  private volatile @Nullable Variant variant;
  private volatile @Nullable Variant assignedVariant;
  private volatile String assignment = "none";
  private volatile @Nullable Instant deadline;
  private volatile long deadlineNanos = Long.MAX_VALUE;
  private volatile int attempts;
  private volatile TokenUsage usage = TokenUsage.ZERO;
  private volatile Cost cost = Cost.ZERO;
  private volatile @Nullable FallbackUse fallback;
  private volatile @Nullable Outcome outcome;
  private volatile long latencyNanos = -1;
  private volatile @Nullable Future<?> inFlight;
  private volatile boolean cancelled;
  private volatile @Nullable Throwable abortReason;
  private volatile @Nullable ChatResponse modelAnswer;
  private volatile @Nullable StreamOut stream;
  private @Nullable Pairs details;
  private @Nullable Pairs keyed;

  public CallState(String callId, Route route, ChatRequest request, Subject subject, Instant startedAt, long startNanos) {
    this.callId = Objects.requireNonNull(callId, "callId");
    this.route = Objects.requireNonNull(route, "route");
    this.request = Objects.requireNonNull(request, "request");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.startedAt = startedAt;
    this.startNanos = startNanos;
  }

  /** A random id for this call, for logs and audit events (never a meter tag). */
  @Override
  public String callId() {
    return callId;
  }

  public Route route() {
    return route;
  }

  @Override
  public String routeName() {
    return route.name();
  }

  @Override
  public Subject subject() {
    return subject;
  }

  @Override
  public Instant startedAt() {
    return startedAt;
  }

  /** {@link dev.sluice.time.TimeSource#nanoTime()} when the call started. */
  public long startNanos() {
    return startNanos;
  }

  /** The request as it stands: input guardrails may have rewritten it. */
  @Override
  public ChatRequest request() {
    return request;
  }

  public void request(ChatRequest rewritten) {
    this.request = Objects.requireNonNull(rewritten, "request");
  }

  /**
   * The request as {@code v} sends it ({@link Variant#prepare}), made once per variant and request:
   * the budget step and the model call of an attempt share it.
   */
  public ChatRequest prepared(Variant v) {
    Prepared p = prepared;
    if (p != null && p.variant == v && p.from == request) {
      return p.request;
    }
    ChatRequest r = v.prepare(request);
    prepared = new Prepared(v, request, r);
    return r;
  }

  private record Prepared(Variant variant, ChatRequest from, ChatRequest request) {}

  private volatile @Nullable Prepared prepared;

  /** The variant the next attempt calls; null before assignment. A fallback may change it. */
  @Override
  public @Nullable Variant variant() {
    return variant;
  }

  /** The variant the next attempt calls; throws if none was assigned yet. */
  public Variant requireVariant() {
    Variant v = variant;
    if (v == null) {
      throw new IllegalStateException("no variant assigned yet for call " + callId + " of route " + route.name());
    }
    return v;
  }

  /** Sets the variant for the next attempts; the first one set is remembered as the assigned one. */
  public void variant(Variant v) {
    this.variant = Objects.requireNonNull(v, "variant");
    if (assignedVariant == null) {
      assignedVariant = v;
    }
  }

  /** The variant assignment picked, whatever a fallback did after. */
  @Override
  public @Nullable Variant assignedVariant() {
    return assignedVariant;
  }

  /** The variant the call is labelled with: the assigned one, or the baseline if it ended before assignment. */
  public Variant labelledVariant() {
    Variant v = assignedVariant;
    return v != null ? v : route.baseline();
  }

  /** Why the variant was picked, bounded, e.g. {@code baseline}, {@code percent}, {@code pinned}. */
  @Override
  public String assignment() {
    return assignment;
  }

  public void assignment(String reason) {
    this.assignment = Objects.requireNonNull(reason, "reason");
  }

  /** When the whole call must have answered, if a deadline applies. */
  @Override
  public @Nullable Instant deadline() {
    return deadline;
  }

  public void deadline(@Nullable Instant deadline) {
    this.deadline = deadline;
    this.deadlineNanos = deadline == null ? Long.MAX_VALUE : startNanos + saturatedNanos(Duration.between(startedAt, deadline));
  }

  /**
   * Nanoseconds from {@code nowNanos} (a {@link dev.sluice.time.TimeSource#nanoTime()} reading) to
   * the deadline, negative once it has passed; {@link Long#MAX_VALUE} when no deadline applies.
   * Measured on the monotonic clock, so a wall-clock jump does not move it.
   */
  @Override
  public long nanosLeft(long nowNanos) {
    long d = deadlineNanos;
    return d == Long.MAX_VALUE ? Long.MAX_VALUE : d - nowNanos;
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooFar) {
      return d.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
    }
  }

  @Override
  public int attempts() {
    return attempts;
  }

  /** Counts one more attempt at the model and returns the new count. */
  // One call's attempts are sequential (the retry step starts one only after the last ended), so
  // this read-modify-write has a single writer; other threads only read the count.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  public int startAttempt() {
    abortReason = null;
    return ++attempts;
  }

  /** Tokens used over every attempt so far. */
  @Override
  public TokenUsage usage() {
    return usage;
  }

  /** Cost over every attempt so far; unknown once any attempt had no price. */
  @Override
  public Cost cost() {
    return cost;
  }

  /** Adds one attempt's (or one request's) usage and cost; safe from several threads at once. */
  public synchronized void addUsage(TokenUsage attemptUsage, Cost attemptCost) {
    this.usage = usage.plus(attemptUsage);
    this.cost = cost.plus(attemptCost);
  }

  @Override
  public @Nullable FallbackUse fallback() {
    return fallback;
  }

  public void fallback(FallbackUse use) {
    this.fallback = Objects.requireNonNull(use, "fallback");
  }

  /** How the call ended; null until the record step has finished it. */
  public @Nullable Outcome outcome() {
    return outcome;
  }

  /** The call's latency in nanoseconds; -1 until finished. */
  public long latencyNanos() {
    return latencyNanos;
  }

  /** Marks the call finished. Called once, by the outermost step. */
  public void finish(Outcome finalOutcome, long latency) {
    this.outcome = finalOutcome;
    this.latencyNanos = latency;
  }

  /** Registers the model request in flight, so cancelling the call aborts it. */
  public void inFlight(@Nullable Future<?> request) {
    this.inFlight = request;
    if (cancelled && request != null) {
      request.cancel(true);
    }
  }

  /**
   * Aborts the attempt in flight (a timeout fired): its request is cancelled, and the model call
   * ends with {@code reason}. Later attempts may still run.
   */
  public void abortAttempt(Throwable reason) {
    this.abortReason = reason;
    Future<?> f = inFlight;
    if (f != null) {
      f.cancel(true);
    }
  }

  /** Why the last attempt was aborted, if it was; cleared when the next attempt starts. */
  public @Nullable Throwable abortReason() {
    return abortReason;
  }

  private volatile long firstChunkNanos = -1;

  /** A streamed call's time from its start to the first chunk of its latest attempt; -1 before one. */
  public long firstChunkNanos() {
    return firstChunkNanos;
  }

  public void firstChunk(long nanosSinceStart) {
    this.firstChunkNanos = nanosSinceStart;
  }

  /** The caller's side of a streamed call; null for a whole call. */
  public @Nullable StreamOut stream() {
    return stream;
  }

  /** Makes this a streamed call; set before the pipeline runs. */
  public void stream(StreamOut out) {
    this.stream = Objects.requireNonNull(out, "stream");
  }

  /** Whether part of a streamed answer has gone to the caller: then no retry and no fallback. */
  public boolean streamCommitted() {
    StreamOut s = stream;
    return s != null && s.committed();
  }

  /** The last answer as the model wrote it, before output guardrails rewrote it; null before one. */
  public @Nullable ChatResponse modelAnswer() {
    return modelAnswer;
  }

  public void modelAnswer(ChatResponse answer) {
    this.modelAnswer = answer;
  }

  /** Cancels the call: the request in flight is aborted and no new attempt starts. */
  public void cancel() {
    cancelled = true;
    Future<?> f = inFlight;
    if (f != null) {
      f.cancel(true);
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  /** Notes a fact for the audit event, e.g. a guardrail's result. Values must be non-null and JSON-friendly. */
  @Override
  public synchronized void detail(String key, Object value) {
    if (details == null) {
      details = new Pairs(4);
    }
    details.put(key, value);
  }

  /** Everything noted for the audit event, in the order it was first noted. */
  @Override
  public synchronized Map<String, Object> details() {
    return details == null ? Map.of() : details.snapshot();
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized <T> @Nullable T get(CallKey<T> key) {
    return keyed == null ? null : (T) keyed.get(key);
  }

  @Override
  public synchronized <T> void put(CallKey<T> key, T value) {
    Objects.requireNonNull(value, "value");
    if (keyed == null) {
      keyed = new Pairs(4);
    }
    keyed.put(key, value);
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized <T> T computeIfAbsent(CallKey<T> key, Supplier<? extends T> make) {
    Object v = keyed == null ? null : keyed.get(key);
    if (v == null) {
      v = make.get();
      if (v == null) {
        throw new NullPointerException("the value made for " + key + " is null");
      }
      put(key, (T) v);
    }
    return (T) v;
  }

  @Override
  public String toString() {
    Variant v = variant;
    return "Call[" + callId + ", route=" + route.name() + ", variant=" + (v == null ? null : v.id())
        + ", attempts=" + attempts + "]";
  }
}
