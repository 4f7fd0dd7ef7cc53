package dev.sluice.internal;

import java.util.Objects;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A publisher's items turned into others one by one, demand and cancellation passed straight
 * through: an item the mapping turns into null is skipped (and one more asked for, so the
 * subscriber's demand is kept); a mapping that throws ends the stream with what it threw and
 * cancels the source.
 *
 * @param <T> the source's items
 * @param <R> the items handed on
 */
public final class MappedStream<T, R> implements Flow.Publisher<R> {

  /** Turns one item into another, or null to skip it. */
  @FunctionalInterface
  public interface Mapping<T, R> {
    @Nullable R map(T item);
  }

  private final Flow.Publisher<? extends T> source;
  private final Mapping<? super T, ? extends R> mapping;

  public MappedStream(Flow.Publisher<? extends T> source, Mapping<? super T, ? extends R> mapping) {
    this.source = Objects.requireNonNull(source, "source");
    this.mapping = Objects.requireNonNull(mapping, "mapping");
  }

  @Override
  public void subscribe(Flow.Subscriber<? super R> subscriber) {
    source.subscribe(new Flow.Subscriber<T>() {
      // Set in onSubscribe, before any other signal (Flow contract).
      @SuppressWarnings("NullAway.Init")
      private Flow.Subscription subscription;
      private boolean failed;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        subscriber.onSubscribe(s);
      }

      @Override
      public void onNext(T item) {
        if (failed) {
          return;
        }
        R mapped;
        try {
          mapped = mapping.map(item);
        } catch (RuntimeException e) {
          failed = true;
          subscription.cancel();
          subscriber.onError(e);
          return;
        }
        if (mapped == null) {
          subscription.request(1);
        } else {
          subscriber.onNext(mapped);
        }
      }

      @Override
      public void onError(Throwable t) {
        if (!failed) {
          subscriber.onError(t);
        }
      }

      @Override
      public void onComplete() {
        if (!failed) {
          subscriber.onComplete();
        }
      }
    });
  }
}
