package dev.sluice.pipeline;

import dev.sluice.outcome.FallbackUse;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.TokenUsage;
import dev.sluice.pricing.Cost;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One call as a step, guardrail or fallback link sees it: what was asked, for whom, which variant
 * was assigned and which the next attempt calls, how many attempts were made and what they used.
 * The view is read-only; the executor owns the call's state and changes it only through what the
 * steps return. A plugin writes to the call in two narrow ways: a fact for the audit event
 * ({@link #detail}) and its own typed state ({@link CallKey}).
 *
 * <pre>{@code
 * CallStep tagTenant = (call, next) -> {
 *   call.detail("tenant_seen", call.subject().tenant().isPresent());
 *   return next.proceed(call);
 * };
 * }</pre>
 *
 * <p>Every method is thread-safe: an {@code @LlmRoute} body may complete several requests of one
 * call on different threads, and a shadow or timer thread may read the call while it runs.
 */
public interface CallContext {

  /** A random id for this call, for logs and audit events (never a meter tag). */
  String callId();

  /** The route's name. */
  String routeName();

  Subject subject();

  /** When the call started, on the {@link dev.sluice.time.TimeSource}'s clock. */
  Instant startedAt();

  /** The request as it stands: input guardrails may have rewritten it. */
  ChatRequest request();

  /** The variant the next attempt calls; null before assignment. A fallback may change it. */
  @Nullable Variant variant();

  /** The variant assignment picked, whatever a fallback did after; null before assignment. */
  @Nullable Variant assignedVariant();

  /**
   * Why the variant was picked, bounded: {@code dev.sluice.rollout.Assignment#reason()}, e.g.
   * {@code baseline}, {@code candidate}, {@code cohort}, {@code holdback}, {@code pinned}.
   */
  String assignment();

  /** Attempts at a model so far (0 before the first). */
  int attempts();

  /** When the whole call must have answered, if a deadline applies. */
  @Nullable Instant deadline();

  /**
   * Nanoseconds from {@code nowNanos} (a {@link dev.sluice.time.TimeSource#nanoTime()} reading) to
   * the deadline, negative once it has passed; {@link Long#MAX_VALUE} when no deadline applies.
   */
  long nanosLeft(long nowNanos);

  /** Tokens used over every attempt so far. */
  TokenUsage usage();

  /** Cost over every attempt so far; unknown once any attempt had no price. */
  Cost cost();

  /** The fallback link that answered, if one did. */
  @Nullable FallbackUse fallback();

  /** Whether the caller cancelled the call. */
  boolean isCancelled();

  /** Notes a fact for the audit event, e.g. a guardrail's result. Values must be non-null and JSON-friendly. */
  void detail(String key, Object value);

  /** Everything noted for the audit event, in the order it was first noted. */
  Map<String, Object> details();

  /** The value its owner put under {@code key} for this call, or null. */
  <T> @Nullable T get(CallKey<T> key);

  /** Puts the owner's value for this call under {@code key}, replacing any earlier one. */
  <T> void put(CallKey<T> key, T value);

  /** The value under {@code key}, made by {@code make} and put there atomically if there was none. */
  <T> T computeIfAbsent(CallKey<T> key, Supplier<? extends T> make);
}
