package dev.sluice.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A pushing SDK's chunks reach a slow reader without running ahead of the buffer; a cancel reaches the SDK. */
class PushedChunksTest {

  final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** A reader that asks for one chunk at a time, only when the test lets it. */
  static final class SlowReader implements Flow.Subscriber<ChatChunk> {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final CountDownLatch done = new CountDownLatch(1);
    volatile Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
    }

    @Override
    public void onNext(ChatChunk item) {
      texts.add(item.text());
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
      done.countDown();
    }

    @Override
    public void onComplete() {
      done.countDown();
    }
  }

  @Test
  void theProducerWaitsWhileTheReaderIsABufferBehind() throws Exception {
    AtomicInteger pushed = new AtomicInteger();
    Flow.Publisher<ChatChunk> stream = PushedChunks.of(pool, 4, sink -> pool.execute(() -> {
      for (int i = 0; i < 200; i++) {
        if (!sink.push(ChatChunk.text("c" + i))) {
          return;
        }
        pushed.incrementAndGet();
      }
      sink.complete();
    }));
    SlowReader reader = new SlowReader();
    stream.subscribe(reader);
    while (reader.subscription == null) {
      Thread.onSpinWait();
    }
    // Nothing requested: the producer stops once the buffer is full.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pushed.get() < 4 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    int ahead = pushed.get();
    assertThat(ahead).as("pushed with no demand").isBetween(4, 5);
    reader.subscription.request(Long.MAX_VALUE);
    assertThat(reader.done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(reader.texts).hasSize(200).startsWith("c0", "c1").endsWith("c199");
    assertThat(reader.error.get()).isNull();
  }

  @Test
  void aCancelRunsTheSdksCloseAndStopsThePushes() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    AtomicBoolean refused = new AtomicBoolean();
    CountDownLatch producerDone = new CountDownLatch(1);
    Flow.Publisher<ChatChunk> stream = PushedChunks.of(pool, 2, sink -> pool.execute(() -> {
      sink.onCancel(() -> closed.set(true));
      for (int i = 0; i < 1_000_000 && !refused.get(); i++) {
        refused.set(!sink.push(ChatChunk.text("c")));
      }
      producerDone.countDown();
    }));
    SlowReader reader = new SlowReader();
    stream.subscribe(reader);
    while (reader.subscription == null) {
      Thread.onSpinWait();
    }
    reader.subscription.request(3);
    reader.subscription.cancel();
    assertThat(producerDone.await(10, TimeUnit.SECONDS)).as("the producer is released, not left waiting").isTrue();
    assertThat(refused).isTrue();
    assertThat(closed).isTrue();
  }

  @Test
  void aFailureArrivesAfterTheChunksBeforeIt() throws Exception {
    Flow.Publisher<ChatChunk> stream = PushedChunks.of(pool, 8, sink -> {
      sink.push(ChatChunk.text("a"));
      sink.push(ChatChunk.text("b"));
      sink.fail(new IllegalStateException("cut"));
    });
    SlowReader reader = new SlowReader();
    stream.subscribe(reader);
    while (reader.subscription == null) {
      Thread.onSpinWait();
    }
    reader.subscription.request(10);
    assertThat(reader.done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(reader.texts).containsExactly("a", "b");
    assertThat(reader.error.get()).hasMessage("cut");
  }
}
