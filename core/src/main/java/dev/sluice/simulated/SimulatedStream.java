package dev.sluice.simulated;

import dev.sluice.internal.ChunkPump;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.time.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * One simulated streamed answer: its chunks made from the whole answer, each due at its time on
 * the {@link TimeSource} and handed over when the subscriber wants it.
 */
final class SimulatedStream implements ChunkPump.Producer {

  /** At most this many text chunks; a longer text has longer chunks. */
  private static final int MAX_CHUNKS = 4096;

  private final SimulatedModelClient client;
  private final ChatRequest request;
  private final SimulatedModelClient.Behaviour behaviour;
  private final ChunkPump<ChatChunk> pump;
  private final TimeSource time;
  private final double firstShare;
  private @Nullable List<ChatChunk> chunks;
  private int next;
  private int stopAt;
  private boolean started;
  private boolean due;
  private @Nullable Duration gap;
  private TimeSource.@Nullable Scheduled scheduled;

  SimulatedStream(SimulatedModelClient client, ChatRequest request, SimulatedModelClient.Behaviour behaviour,
      Flow.Subscriber<? super ChatChunk> subscriber, TimeSource time, double firstShare) {
    this.client = client;
    this.request = request;
    this.behaviour = behaviour;
    this.time = time;
    this.firstShare = firstShare;
    this.pump = new ChunkPump<>(subscriber, this);
  }

  void start() {
    pump.start();
  }

  @Override
  public synchronized void more() {
    if (!started) {
      started = true;
      if (behaviour.failure() == SimulatedFailure.HANG) {
        return;
      }
      Duration first = scaled(behaviour.latency(), firstShare);
      if (first.isZero()) {
        firstDue();
      } else {
        scheduled = time.schedule(first, this::firstDue);
      }
      return;
    }
    if (due) {
      emit();
    }
  }

  private synchronized void firstDue() {
    SimulatedFailure failure = behaviour.failure();
    boolean breaks = failure == SimulatedFailure.STREAM_CUT || failure == SimulatedFailure.STREAM_STALL;
    ChatResponse whole;
    try {
      whole = client.respond(request, breaks ? new SimulatedModelClient.Behaviour(behaviour.latency(), null, behaviour.outputTokens())
          : behaviour);
    } catch (ModelCallException e) {
      pump.fail(e);
      return;
    }
    List<ChatChunk> made = pieces(whole);
    chunks = made;
    stopAt = breaks ? Math.max(1, made.size() / 2) : made.size();
    gap = made.size() <= 1 ? Duration.ZERO
        : scaled(behaviour.latency(), 1 - firstShare).dividedBy(made.size() - 1);
    ready();
  }

  private synchronized void ready() {
    due = true;
    if (pump.hungry()) {
      emit();
    }
  }

  /** Hands over the chunks that are due, while the subscriber wants them, and arranges the next. */
  private void emit() {
    List<ChatChunk> made = chunks;
    while (made != null && !pump.isDone()) {
      due = false;
      if (next == stopAt) {
        if (behaviour.failure() == SimulatedFailure.STREAM_CUT) {
          pump.fail(new ModelCallException(ModelCallException.Kind.CONNECTION, 200,
              "simulated stream cut after " + next + " of " + made.size() + " chunks", null, null));
        }
        return; // STREAM_STALL: nothing more, ever
      }
      ChatChunk c = made.get(next++);
      pump.offer(c);
      if (next == made.size()) {
        pump.complete();
        return;
      }
      Duration g = gap;
      if (g != null && !g.isZero()) {
        scheduled = time.schedule(g, this::ready);
        return;
      }
      due = true; // the next is due at once: handed over now if wanted, else on the next request
      if (!pump.hungry()) {
        return;
      }
    }
  }

  @Override
  public synchronized void cancelled() {
    TimeSource.Scheduled s = scheduled;
    if (s != null) {
      s.cancel();
    }
  }

  /** Word-sized text chunks (at most {@value #MAX_CHUNKS}), then one with the finish reason and usage. */
  private static List<ChatChunk> pieces(ChatResponse whole) {
    ChatChunk all = ChatChunk.of(whole);
    String text = whole.text();
    List<ChatChunk> out = new ArrayList<>();
    int minLength = Math.max(1, text.length() / MAX_CHUNKS);
    int from = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || (text.charAt(i - 1) == ' ' && i - from >= minLength)) {
        String piece = text.substring(from, i);
        out.add(all.refusal().isEmpty() ? ChatChunk.text(piece)
            : new ChatChunk("", piece, List.of(), null, null, null));
        from = i;
      }
    }
    out.add(new ChatChunk("", "", all.toolCalls(), whole.finishReason(), whole.usage(), whole.responseModel()));
    return out;
  }

  private static Duration scaled(Duration d, double share) {
    return Duration.ofNanos(Math.round(d.toNanos() * share));
  }
}
