package dev.sluice.internal.proxy;

import dev.sluice.model.ChatChunk;
import java.util.concurrent.Flow;

/**
 * A stream of chunks as a stream of their text, for a streaming {@code @LlmRoute} method declared
 * to return {@code Flow.Publisher<String>}: chunks without text (the end, tool calls) are skipped,
 * and each skipped one is asked for again so the subscriber's demand is kept.
 */
final class TextStream implements Flow.Publisher<String> {

  private final Flow.Publisher<ChatChunk> chunks;

  TextStream(Flow.Publisher<ChatChunk> chunks) {
    this.chunks = chunks;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super String> subscriber) {
    chunks.subscribe(new Flow.Subscriber<ChatChunk>() {
      // Set in onSubscribe, before any other signal (Flow contract).
      @SuppressWarnings("NullAway.Init")
      private Flow.Subscription subscription;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        subscriber.onSubscribe(s);
      }

      @Override
      public void onNext(ChatChunk item) {
        if (item.text().isEmpty()) {
          subscription.request(1);
        } else {
          subscriber.onNext(item.text());
        }
      }

      @Override
      public void onError(Throwable t) {
        subscriber.onError(t);
      }

      @Override
      public void onComplete() {
        subscriber.onComplete();
      }
    });
  }
}
