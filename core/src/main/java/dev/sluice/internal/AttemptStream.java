package dev.sluice.internal;

import dev.sluice.internal.guardrail.StreamWindow;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.TokenUsage;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ToolCallDelta;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.SluiceException;
import dev.sluice.release.Variant;
import dev.sluice.time.TimeSource;
import dev.sluice.tokens.TokenCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One streamed attempt: subscribes to the variant's stream, reads chunks as the call needs them, passes text through the output guardrails' window to the call's {@link StreamOut},
 * and completes, as a whole attempt does, with the answer put together from its chunks, or fails.
 * It is the attempt's future: cancelling it (a deadline, the caller) cancels the stream.
 *
 * <p><b>Demand.</b> Chunks are asked of the stream in batches of {@value #READ_AHEAD}, topped up
 * while the caller wants more (or the call has not committed yet), so a slow caller stops the
 * reading after at most that many chunks.
 *
 * <p><b>Timeouts.</b> Until the first chunk, the variant's first-chunk timeout; after it, the
 * idle timeout, counted only while chunks are asked for and not come (not while the caller is
 * slow to take chunks). One timer task is scheduled per idle period, not per chunk: each chunk
 * only notes the time, and the task, when it runs, reschedules itself for what is left.
 *
 * <p><b>Usage.</b> The stream's usage chunk when it has one; otherwise the input counted and the
 * output counted from the text received (flagged {@code usage_estimated}), also when the stream
 * broke after some text: a cut stream is billed for what it delivered, never as nothing.
 */
public final class AttemptStream extends CompletableFuture<ChatResponse> implements Flow.Subscriber<ChatChunk> {

  /** The most characters one attempt's answer may have, whatever its client allows. */
  static final int MAX_CHARS = 8 * 1024 * 1024;

  final VariantMeters meters;
  /** The request's observation, set once before the stream begins. */
  volatile io.micrometer.observation.Observation observation = io.micrometer.observation.Observation.NOOP;
  final long start;
  /** The call's usage when the attempt started: a body's whole calls through its client count there. */
  final TokenUsage usageBefore;
  private final CallState call;
  private final Variant variant;
  private final ChatRequest prepared;
  private final StreamOut out;
  private final @Nullable StreamWindow window;
  private final TimeSource time;
  private final Executor executor;
  private final long firstChunkNanos;
  private final long idleNanos;
  private final boolean endIsFinish;
  /** Chunks asked of the stream and not received yet: asked for in batches, topped up when few are left. */
  private final AtomicLong outstanding = new AtomicLong();
  /** At most this many chunks are asked for ahead of the caller (a bounded read-ahead: demand still reaches the socket). */
  static final int READ_AHEAD = 32;
  private static final int TOP_UP_BELOW = 8;
  private final AtomicBoolean over = new AtomicBoolean();
  private volatile Flow.@Nullable Subscription upstream;
  private volatile long waitingSince;
  private volatile boolean firstSeen;
  private volatile TimeSource.@Nullable Scheduled watch;
  // Written only by the stream's onNext/onComplete (serial by the Flow contract).
  private final StringBuilder raw = new StringBuilder();
  /** The text as released to the caller: the raw text itself when no guardrail window can rewrite it. */
  private final StringBuilder released;
  private final StringBuilder refusal = new StringBuilder();
  private final List<ToolCallBuilder> tools = new ArrayList<>(0);
  private @Nullable FinishReason finish;
  private @Nullable TokenUsage usage;
  private @Nullable String responseModel;
  private long chunks;
  private long lastChunkAt;

  /**
   * @param endIsFinish whether the stream's end means the answer is complete even with no finish
   *     reason (an {@code @LlmRoute} body's stream of text); a model's stream must say why it stopped
   */
  AttemptStream(CallState call, Variant variant, ChatRequest prepared, StreamOut out, @Nullable StreamWindow window, VariantMeters meters,
      TimeSource time, Executor executor, long start, boolean endIsFinish) {
    this.endIsFinish = endIsFinish;
    this.released = window == null ? raw : new StringBuilder();
    this.usageBefore = call.usage();
    this.call = call;
    this.variant = variant;
    this.prepared = prepared;
    this.out = out;
    this.window = window;
    this.meters = meters;
    this.time = time;
    this.executor = executor;
    this.start = start;
    var t = call.route().resilience(variant).timeout();
    this.firstChunkNanos = t.firstChunk().toNanos();
    this.idleNanos = t.idleBetweenChunks().toNanos();
    this.waitingSince = start;
  }

  /** Starts the attempt: the first-chunk timer, then the subscription to the variant's stream. */
  void begin(Flow.Publisher<ChatChunk> stream) {
    out.begin(this);
    watch = time.schedule(Duration.ofNanos(firstChunkNanos), this::timerFired);
    stream.subscribe(this);
  }

  boolean ended() {
    return over.get();
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (upstream != null) {
      s.cancel();
      return;
    }
    upstream = s;
    if (over.get()) {
      s.cancel();
      return;
    }
    outstanding.set(READ_AHEAD);
    s.request(READ_AHEAD);
  }

  /** The caller wants more: top the chunks asked for back up to the read-ahead, unless enough are asked for already. */
  void more() {
    Flow.Subscription s = upstream;
    if (s == null || over.get()) {
      return;
    }
    long asked;
    do {
      asked = outstanding.get();
      if (asked >= TOP_UP_BELOW) {
        return;
      }
    } while (!outstanding.compareAndSet(asked, READ_AHEAD));
    waitingSince = time.nanoTime();
    s.request(READ_AHEAD - asked);
  }

  @Override
  public void onNext(ChatChunk chunk) {
    outstanding.decrementAndGet();
    if (over.get()) {
      return;
    }
    long now = time.nanoTime();
    waitingSince = now;
    if (chunks++ == 0) {
      firstSeen = true;
      meters.recordFirstChunk(now - start);
      call.detail("time_to_first_chunk_ms", (now - start) / 1_000_000);
      call.firstChunk(now - call.startNanos());
      TimeSource.Scheduled first = watch;
      if (first != null) {
        first.cancel();
      }
      watch = time.schedule(Duration.ofNanos(idleNanos), this::timerFired);
    } else {
      meters.recordChunkGap(now - lastChunkAt);
    }
    lastChunkAt = now;
    try {
      take(chunk);
    } catch (RuntimeException e) {
      fail(Failures.fromStep(e));
      return;
    }
    if (out.wantsInput()) {
      more();
    }
  }

  /** Adds the chunk to the answer and passes what may go out on to the caller. */
  private void take(ChatChunk chunk) {
    if (raw.length() + refusal.length() + chunk.chars() > MAX_CHARS) {
      throw new ModelCallException(ModelCallException.Kind.TOO_LARGE, 200, "variant '" + variant.id() + "' streamed more than "
          + MAX_CHARS + " characters; reading stopped there", null, null);
    }
    if (chunk.responseModel() != null) {
      responseModel = chunk.responseModel();
    }
    if (chunk.finishReason() != null) {
      finish = chunk.finishReason();
    }
    if (chunk.usage() != null) {
      usage = chunk.usage();
    }
    if (!chunk.refusal().isEmpty()) {
      refusal.append(chunk.refusal());
    }
    for (int i = 0, n = chunk.toolCalls().size(); i < n; i++) {
      ToolCallDelta d = chunk.toolCalls().get(i);
      while (tools.size() <= d.index()) {
        if (tools.size() >= 128) {
          throw new ModelCallException(ModelCallException.Kind.BAD_OUTPUT, 200, "variant '" + variant.id()
              + "' streamed a tool call with index " + d.index() + "; at most 128 are read", null, null);
        }
        tools.add(new ToolCallBuilder());
      }
      tools.get(d.index()).add(d);
    }
    String text = chunk.text();
    if (!text.isEmpty()) {
      raw.append(text);
      StreamWindow w = window;
      text = w == null ? text : w.add(text);
    }
    if (!text.isEmpty() || !chunk.refusal().isEmpty() || !chunk.toolCalls().isEmpty()) {
      ChatChunk outgoing = text == chunk.text() && chunk.finishReason() == null && chunk.usage() == null ? chunk
          : new ChatChunk(text, chunk.refusal(), chunk.toolCalls(), null, null, null);
      if (released != raw) {
        released.append(text);
      }
      out.accept(this, outgoing);
    }
  }

  @Override
  public void onError(Throwable failure) {
    fail(Failures.fromModel(Failures.unwrap(failure)));
  }

  @Override
  public void onComplete() {
    if (over.get()) {
      return;
    }
    ChatResponse answer;
    try {
      StreamWindow w = window;
      if (w != null) {
        String rest = w.finish();
        if (!rest.isEmpty()) {
          released.append(rest);
          out.accept(this, ChatChunk.text(rest));
        }
      }
      if (finish == null && endIsFinish) {
        finish = FinishReason.STOP;
      }
      if (finish == null) {
        throw new ModelCallException(ModelCallException.Kind.CONNECTION, 200, "variant '" + variant.id()
            + "''s stream ended without saying why the model stopped: the answer is incomplete", null, null);
      }
      answer = answer(released.toString(), used());
    } catch (RuntimeException e) {
      fail(Failures.fromStep(e));
      return;
    }
    if (!over.compareAndSet(false, true)) {
      return;
    }
    stopTimer();
    call.detail("stream_chunks_received", chunks);
    out.end(this, true);
    call.modelAnswer(released == raw ? answer : answer(raw.toString(), answer.usage()));
    complete(answer);
  }

  /** The answer as far as it went, for billing a stream that broke after some text; null if nothing came. */
  @Nullable ChatResponse partial() {
    if (raw.length() == 0 && refusal.length() == 0 && tools.isEmpty() && usage == null) {
      return null;
    }
    return answer(released.toString(), used());
  }

  private TokenUsage used() {
    TokenUsage used = usage;
    return used == null || !used.reported() ? estimate() : used;
  }

  private ChatResponse answer(String text, TokenUsage used) {
    FinishReason f = finish == null ? FinishReason.OTHER : finish;
    String t = text;
    if (refusal.length() > 0 && text.isEmpty() && tools.isEmpty()) {
      t = refusal.toString();
      f = FinishReason.REFUSAL;
    }
    List<ToolCall> calls = new ArrayList<>(tools.size());
    for (ToolCallBuilder b : tools) {
      calls.add(b.build());
    }
    String model = responseModel != null ? responseModel : Objects.requireNonNullElse(prepared.model(), variant.model());
    return new ChatResponse(t, f, used, variant.client().provider(), model, calls);
  }

  /** The stream said nothing of its usage: the input counted, the output counted from what came. */
  private TokenUsage estimate() {
    TokenCounter counter = TokenCounter.shared();
    long input = counter.countInput(variant.model(), prepared);
    long output = counter.count(variant.model(), raw.toString()) + counter.count(variant.model(), refusal.toString());
    for (ToolCallBuilder b : tools) {
      output += counter.count(variant.model(), b.arguments.toString()) + 8;
    }
    call.detail("usage_estimated", "the stream reported no usage: counted from the request and the streamed text");
    return new TokenUsage(input, Math.max(1, output), 0);
  }

  /** Ends the attempt with a failure, once: the stream is cancelled and no later chunk reaches the caller. */
  void fail(SluiceException failure) {
    if (!over.compareAndSet(false, true)) {
      return;
    }
    stopTimer();
    call.detail("stream_chunks_received", chunks);
    out.end(this, false);
    cancelUpstream();
    completeExceptionally(failure);
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (over.compareAndSet(false, true)) {
      stopTimer();
      out.end(this, false);
      cancelUpstream();
    }
    return super.cancel(mayInterruptIfRunning);
  }

  private void cancelUpstream() {
    Flow.Subscription s = upstream;
    if (s != null) {
      try {
        s.cancel();
      } catch (RuntimeException ignored) {
        // the stream's trouble cancelling does not change how the attempt ended
      }
    }
  }

  private void stopTimer() {
    TimeSource.Scheduled w = watch;
    if (w != null) {
      w.cancel();
    }
  }

  /** On the timer's thread: hand the check to the executor, where ending the attempt may run the rest of the call. */
  private void timerFired() {
    if (!over.get()) {
      executor.execute(this::check);
    }
  }

  private void check() {
    if (over.get()) {
      return;
    }
    if (!firstSeen) {
      fail(new ModelCallException(ModelCallException.Kind.ATTEMPT_TIMEOUT, 0, "variant '" + variant.id()
          + "' sent no first chunk within its first-chunk timeout of " + Duration.ofNanos(firstChunkNanos).toMillis() + " ms", null, null));
      return;
    }
    long now = time.nanoTime();
    long waited = now - waitingSince;
    if (outstanding.get() <= 0) {
      waited = 0; // nothing asked for: the caller is slow, not the stream
    }
    if (waited >= idleNanos) {
      fail(new ModelCallException(ModelCallException.Kind.ATTEMPT_TIMEOUT, 0, "variant '" + variant.id() + "' sent nothing for "
          + Duration.ofNanos(idleNanos).toMillis() + " ms after chunk " + chunks + " (its idle timeout)", null, null));
      return;
    }
    watch = time.schedule(Duration.ofNanos(idleNanos - waited), this::timerFired);
    if (over.get()) {
      stopTimer();
    }
  }

  /** One tool call put together from its pieces. */
  private static final class ToolCallBuilder {
    private String id = "";
    private String name = "";
    final StringBuilder arguments = new StringBuilder();

    void add(ToolCallDelta d) {
      if (d.id() != null) {
        id = d.id();
      }
      if (d.name() != null) {
        name = d.name();
      }
      arguments.append(d.arguments());
    }

    ToolCall build() {
      return new ToolCall(id, name, arguments.toString());
    }
  }
}
