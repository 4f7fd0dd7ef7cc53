package dev.sluice.internal;

import java.util.List;
import java.util.concurrent.Flow;

/**
 * Items known in advance as a cold stream: each subscriber gets them all, in order, as it asks for
 * them, on the thread that asks.
 *
 * @param <T> the items
 */
public final class ListedStream<T> implements Flow.Publisher<T> {

  private final List<T> items;

  public ListedStream(List<T> items) {
    this.items = List.copyOf(items);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    new Reading(subscriber).pump.start();
  }

  private final class Reading implements ChunkPump.Producer {
    final ChunkPump<T> pump;
    private int next;

    Reading(Flow.Subscriber<? super T> subscriber) {
      this.pump = new ChunkPump<>(subscriber, this);
    }

    @Override
    public void more() {
      while (next < items.size() && pump.hungry()) {
        pump.offer(items.get(next++));
      }
      if (next == items.size()) {
        pump.complete();
      }
    }

    @Override
    public void cancelled() {
      next = items.size();
    }
  }
}
