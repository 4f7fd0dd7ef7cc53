package dev.sluice.internal;

import dev.sluice.model.ChatChunk;
import dev.sluice.outcome.ModelCallException;
import java.util.concurrent.Flow;

/**
 * A streaming {@code @LlmRoute} body's publisher read as chunks: text (any {@link CharSequence})
 * becomes a text chunk, a {@link ChatChunk} passes as it is; anything else ends the stream as bad
 * output. Demand and cancellation pass straight through.
 */
final class BodyChunks {

  private BodyChunks() {}

  static Flow.Publisher<ChatChunk> of(Flow.Publisher<?> body) {
    return subscriber -> body.subscribe(new Flow.Subscriber<Object>() {
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
      public void onNext(Object item) {
        if (failed) {
          return;
        }
        if (item instanceof ChatChunk c) {
          subscriber.onNext(c);
        } else if (item instanceof CharSequence text) {
          subscriber.onNext(ChatChunk.text(text.toString()));
        } else {
          failed = true;
          subscription.cancel();
          subscriber.onError(new ModelCallException(ModelCallException.Kind.BAD_OUTPUT, 0, "the streaming @LlmRoute method's publisher sent a "
              + (item == null ? "null" : item.getClass().getName()) + "; it may send text (String) or ChatChunk", null, null));
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
