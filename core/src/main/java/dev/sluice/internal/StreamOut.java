package dev.sluice.internal;

import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatResponse;
import dev.sluice.outcome.SluiceException;
import dev.sluice.outcome.StreamInterruptedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A streamed call's side toward its caller: the chunks of the attempt that is running, held back
 * until the call commits to it, then handed over as the caller asks for them.
 *
 * <p><b>Commit.</b> Until the first chunk is handed over, the call may still retry or fall back as
 * a whole call does: an attempt that fails drops what it held. Handing over the first chunk
 * commits the call to the attempt: from then on a failure ends the stream with a {@link
 * StreamInterruptedException} saying how much was delivered, never with a clean end and never
 * with a second answer spliced on. The route's hold-back ({@code streamHoldBackChars}) keeps up to
 * that many characters before committing, so failover stays possible longer.
 *
 * <p>Only one attempt writes at a time; the decision to accept an attempt's chunk and the end of
 * that attempt take the same lock, so a chunk of an attempt that already ended (a timeout fired)
 * never reaches the caller. Chunks are handed to the caller outside the lock.
 */
public final class StreamOut implements ChunkPump.Producer {

  private final ChunkPump<ChatChunk> pump;
  private final Counted counted;
  private final int holdBackChars;
  private final Runnable cancelCall;
  private volatile @Nullable AttemptStream attempt;
  private final List<ChatChunk> held = new ArrayList<>();
  private long heldChars;
  private volatile boolean committed;
  /** Whether the running attempt streamed a whole answer (then its chunks are the answer). */
  private boolean streamedAnswer;

  public StreamOut(Flow.Subscriber<? super ChatChunk> caller, int holdBackChars, Runnable cancelCall) {
    this.counted = new Counted(caller);
    this.pump = new ChunkPump<>(counted, this);
    this.holdBackChars = holdBackChars;
    this.cancelCall = cancelCall;
  }

  /** Gives the caller its subscription. */
  public void start() {
    pump.start();
  }

  /** Whether the caller has received (or been handed) part of an answer: no retry or fallback after that. */
  public boolean committed() {
    return committed;
  }

  /** An attempt starts: what an earlier, failed attempt held is dropped. */
  synchronized void begin(AttemptStream a) {
    attempt = a;
    held.clear();
    heldChars = 0;
    streamedAnswer = false;
  }

  /** A fallback link takes over: what the failed attempt held is dropped. */
  public synchronized void beginFallback() {
    attempt = null;
    held.clear();
    heldChars = 0;
    streamedAnswer = false;
  }

  /**
   * A chunk of attempt {@code a}, if it is still the running one: held, or handed over. Returns
   * false when the attempt had already ended (its chunk is dropped).
   */
  boolean accept(AttemptStream a, ChatChunk chunk) {
    @Nullable List<ChatChunk> out;
    synchronized (this) {
      if (attempt != a || a.ended()) {
        return false;
      }
      if (committed) {
        out = null;
      } else {
        held.add(chunk);
        heldChars += chunk.chars() + chunk.toolCalls().size();
        if (heldChars < holdBackChars || heldChars == 0) {
          return true;
        }
        committed = true;
        out = List.copyOf(held);
        held.clear();
      }
    }
    if (out == null) {
      pump.offer(chunk);
      return true;
    }
    for (ChatChunk c : out) {
      pump.offer(c);
    }
    return true;
  }

  /** Attempt {@code a} ends; true if it was the running one (then no chunk of it is accepted after this). */
  synchronized boolean end(AttemptStream a, boolean answered) {
    if (attempt != a) {
      return false;
    }
    streamedAnswer = answered;
    attempt = answered ? a : null;
    return true;
  }

  /** Whether the attempt should read on: it has not committed yet (holding back), or the caller wants more. */
  boolean wantsInput() {
    return !committed || pump.hungry();
  }

  /** The call answered: the streamed attempt's last held chunks and its end, or a fallback's answer as one chunk. */
  public void succeed(ChatResponse answer) {
    List<ChatChunk> out;
    synchronized (this) {
      if (streamedAnswer) {
        out = new ArrayList<>(held);
        out.add(new ChatChunk("", "", List.of(), answer.finishReason(), answer.usage(), answer.responseModel()));
      } else {
        out = List.of(ChatChunk.of(answer));
      }
      held.clear();
      committed = true;
      attempt = null;
    }
    for (ChatChunk c : out) {
      pump.offer(c);
    }
    pump.complete();
  }

  /**
   * The call failed: before anything was delivered, with its own failure (as a whole call
   * would); after, with a {@link StreamInterruptedException} over it. Returns what the caller gets.
   */
  public SluiceException fail(SluiceException failure) {
    SluiceException e;
    synchronized (this) {
      attempt = null;
      held.clear();
      e = committed ? new StreamInterruptedException(counted.chunks, counted.chars, failure) : failure;
    }
    pump.fail(e);
    return e;
  }

  /** Chunks and characters the caller has received. */
  public long deliveredChunks() {
    return counted.chunks;
  }

  public long deliveredChars() {
    return counted.chars;
  }

  @Override
  public void more() {
    AttemptStream a = attempt;
    if (a != null) {
      a.more();
    }
  }

  @Override
  public void cancelled() {
    cancelCall.run();
  }

  /** The caller's subscriber, counting what it receives. */
  private static final class Counted implements Flow.Subscriber<ChatChunk> {
    private final Flow.Subscriber<? super ChatChunk> caller;
    volatile long chunks;
    volatile long chars;

    Counted(Flow.Subscriber<? super ChatChunk> caller) {
      this.caller = Objects.requireNonNull(caller, "subscriber");
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      caller.onSubscribe(s);
    }

    // One thread at a time delivers (the pump's drain): the counts have a single writer.
    @Override
    @SuppressWarnings("NonAtomicVolatileUpdate")
    public void onNext(ChatChunk item) {
      chunks++;
      chars += item.chars();
      caller.onNext(item);
    }

    @Override
    public void onError(Throwable t) {
      caller.onError(t);
    }

    @Override
    public void onComplete() {
      caller.onComplete();
    }
  }
}
