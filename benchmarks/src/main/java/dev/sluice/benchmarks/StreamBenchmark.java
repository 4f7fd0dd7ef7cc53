package dev.sluice.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelClient;
import dev.sluice.model.TokenUsage;
import dev.sluice.openai.OpenAiCompatibleClient;
import dev.sluice.release.Variant;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What Sluice's streaming pipeline costs per chunk. Each operation is one streamed answer of
 * {@value #CHUNKS} chunks, reported per chunk ({@code @OperationsPerInvocation}):
 *
 * <ul>
 *   <li>{@code memoryDirect} / {@code memorySluice}: a model that hands over ready chunks as they
 *       are asked for (no I/O), read directly and through a Sluice route: the difference is the
 *       pipeline's own cost per chunk;
 *   <li>{@code sseDirect} / {@code sseSluice}: the same answer as server-sent events from a server on
 *       127.0.0.1, read with the OpenAI-compatible client directly and through a route.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StreamBenchmark {

  static final int CHUNKS = 1000;
  static final ChatRequest REQUEST = ChatRequest.ofUser("Tell me a story.");

  /** A model whose stream hands over prepared chunks as they are asked for, on the asking thread. */
  static final class MemoryModel implements ModelClient {
    final List<ChatChunk> chunks = new ArrayList<>();

    MemoryModel() {
      for (int i = 0; i < CHUNKS - 1; i++) {
        chunks.add(ChatChunk.text("word" + (i % 10) + " "));
      }
      chunks.add(ChatChunk.end(FinishReason.STOP, TokenUsage.of(20, CHUNKS)));
    }

    @Override
    public String provider() {
      return "bench";
    }

    @Override
    public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
      // The same answer whole: its text and the last chunk's usage.
      StringBuilder text = new StringBuilder();
      chunks.forEach(c -> text.append(c.text()));
      return CompletableFuture.completedFuture(ChatResponse.of(text.toString(), TokenUsage.of(20, CHUNKS), "bench", "gpt-4o-mini"));
    }

    @Override
    public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
      return ChatChunk.publisher(chunks);
    }
  }

  /** Reads a stream to its end; waits for it when it ends on another thread. */
  static final class Reader implements Flow.Subscriber<ChatChunk> {
    final Blackhole bh;
    final CountDownLatch ended = new CountDownLatch(1);
    volatile Throwable failure;

    Reader(Blackhole bh) {
      this.bh = bh;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ChatChunk item) {
      bh.consume(item);
    }

    @Override
    public void onError(Throwable t) {
      failure = t;
      ended.countDown();
    }

    @Override
    public void onComplete() {
      ended.countDown();
    }

    void await() throws InterruptedException {
      if (!ended.await(30, TimeUnit.SECONDS) || failure != null) {
        throw new IllegalStateException("the stream did not end well", failure);
      }
    }
  }

  MemoryModel memory;
  Sluice memorySluice;
  HttpServer server;
  OpenAiCompatibleClient sse;
  Sluice sseSluice;

  @Setup
  public void setUp() throws IOException {
    memory = new MemoryModel();
    memorySluice = sluice(memory);
    byte[] body = sseBody();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/v1/chat/completions", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    sse = OpenAiCompatibleClient.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1").build();
    sseSluice = sluice(sse);
  }

  static Sluice sluice(ModelClient client) {
    return Sluice.builder()
        .route(Route.builder("r").baseline(Variant.builder("v1").client(client).model("gpt-4o-mini").build()).build())
        .meterRegistry(new SimpleMeterRegistry()).auditSink(e -> { }).build();
  }

  static byte[] sseBody() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < CHUNKS - 2; i++) {
      b.append("data: {\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word").append(i % 10)
          .append(" \"},\"finish_reason\":null}]}\n\n");
    }
    b.append("data: {\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    b.append("data: {\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":998}}\n\n");
    b.append("data: [DONE]\n\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  @TearDown
  public void tearDown() {
    memorySluice.close();
    sseSluice.close();
    server.stop(0);
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public void memoryDirect(Blackhole bh) throws InterruptedException {
    Reader r = new Reader(bh);
    memory.stream(REQUEST.toBuilder().model("gpt-4o-mini").build()).subscribe(r);
    r.await();
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public void memorySluice(Blackhole bh) throws InterruptedException {
    Reader r = new Reader(bh);
    memorySluice.stream("r", REQUEST, Subject.of("u")).subscribe(r);
    r.await();
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public void sseDirect(Blackhole bh) throws InterruptedException {
    Reader r = new Reader(bh);
    sse.stream(REQUEST.toBuilder().model("gpt-4o-mini").build()).subscribe(r);
    r.await();
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public void sseSluice(Blackhole bh) throws InterruptedException {
    Reader r = new Reader(bh);
    sseSluice.stream("r", REQUEST, Subject.of("u")).subscribe(r);
    r.await();
  }
}
