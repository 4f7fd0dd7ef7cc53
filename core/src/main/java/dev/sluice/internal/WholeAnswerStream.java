package dev.sluice.internal;

import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A client's whole answer as a stream of one chunk, for clients that cannot stream: each
 * subscription sends the request when the subscriber first asks, and cancelling it cancels the
 * request.
 */
public final class WholeAnswerStream implements Flow.Publisher<ChatChunk> {

  private final ModelClient client;
  private final ChatRequest request;

  public WholeAnswerStream(ModelClient client, ChatRequest request) {
    this.client = client;
    this.request = request;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    new Exchange(subscriber).start();
  }

  private final class Exchange implements ChunkPump.Producer {
    private final ChunkPump<ChatChunk> pump;
    private volatile @Nullable CompletableFuture<?> sent;

    Exchange(Flow.Subscriber<? super ChatChunk> subscriber) {
      this.pump = new ChunkPump<>(subscriber, this);
    }

    void start() {
      pump.start();
    }

    @Override
    public void more() {
      if (sent != null) {
        return;
      }
      CompletableFuture<dev.sluice.model.ChatResponse> f;
      try {
        f = client.chatAsync(request).toCompletableFuture();
        f.whenComplete((answer, failure) -> {
          if (failure != null) {
            pump.fail(Failures.unwrap(failure));
          } else {
            pump.offer(ChatChunk.of(answer));
            pump.complete();
          }
        });
      } catch (RuntimeException e) {
        pump.fail(e);
        return;
      }
      sent = f;
      if (pump.isCancelled()) {
        f.cancel(true);
      }
    }

    @Override
    public void cancelled() {
      CompletableFuture<?> f = sent;
      if (f != null) {
        f.cancel(true);
      }
    }
  }
}
