package dev.sluice.streaming;

import static dev.sluice.streaming.SseServer.answer;
import static dev.sluice.streaming.SseServer.cut;
import static dev.sluice.streaming.SseServer.done;
import static dev.sluice.streaming.SseServer.event;
import static dev.sluice.streaming.SseServer.finish;
import static dev.sluice.streaming.SseServer.stall;
import static dev.sluice.streaming.SseServer.text;
import static dev.sluice.streaming.SseServer.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.Fixtures;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.SluiceStream;
import dev.sluice.audit.AuditEvent;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetPeriod;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.budget.BudgetScope;
import dev.sluice.budget.BudgetStanding;
import dev.sluice.budget.InMemoryBudgetLedger;
import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.Guardrails;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.openai.OpenAiCompatibleClient;
import dev.sluice.outcome.GuardrailBlockedException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.Outcome;
import dev.sluice.outcome.StreamInterruptedException;
import dev.sluice.pipeline.CallContext;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streamed calls against a hostile server on 127.0.0.1: each case checks what the caller
 * received, how the stream ended and when, that the connection was closed, and that the ledger
 * settled (nothing left reserved, a broken stream billed for what it sent).
 */
class HostileStreamTest {

  static final long TIMEOUT_MS = 400;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  SseServer server;
  Sluice sluice;

  /** Sluice's work runs here, so the test can see that none is left running or waiting when a case ends. */
  final java.util.concurrent.ThreadPoolExecutor workers = new java.util.concurrent.ThreadPoolExecutor(2, 2, 1, TimeUnit.SECONDS,
      new java.util.concurrent.LinkedBlockingQueue<>());

  @AfterEach
  void close() throws Exception {
    if (sluice != null) {
      sluice.close();
    }
    if (server != null) {
      server.close();
    }
    // Whatever Sluice handed to its executor ends: a task stuck on a stream would keep it from terminating.
    workers.shutdown();
    assertThat(workers.awaitTermination(5, TimeUnit.SECONDS)).as("Sluice work still running or waiting").isTrue();
  }

  Sluice sluice(SseServer s, Guardrails guardrails, int holdBack) {
    return sluice(s, guardrails, holdBack, 2);
  }

  Sluice sluice(SseServer s, Guardrails guardrails, int holdBack, int maxAttempts) {
    this.server = s;
    OpenAiCompatibleClient client = OpenAiCompatibleClient.builder().baseUrl(s.baseUrl()).maxResponseBytes(64L << 20).build();
    sluice = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", client, "gpt-4o", "p1"))
            .resilience(ResiliencePolicy.builder().maxAttempts(maxAttempts).deadline(Duration.ofSeconds(20))
                .streamTimeouts(Duration.ofMillis(TIMEOUT_MS), Duration.ofMillis(TIMEOUT_MS))
                .backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0).build())
            .budget(BudgetPolicy.builder().cap(BudgetCap.tokens(BudgetScope.ROUTE, BudgetPeriod.DAY, 10_000_000)).build())
            .guardrails(guardrails)
            .streamHoldBackChars(holdBack)
            .build())
        .meterRegistry(registry)
        .auditSink(audit::add)
        .executor(workers)
        .build();
    return sluice;
  }

  Sluice sluice(SseServer s) {
    return sluice(s, Guardrails.NONE, 0);
  }

  /** What the caller received, how the stream ended, and how long it took. */
  record Received(String text, List<ChatChunk> chunks, Throwable failure, long millis) {}

  Received read(Sluice s) {
    long start = System.nanoTime();
    SluiceStream stream = s.stream("r", ChatRequest.ofUser("Where is my order?"), Subject.of("u"));
    StringBuilder text = new StringBuilder();
    List<ChatChunk> chunks = new ArrayList<>();
    Throwable failure = catchThrowable(() -> {
      for (ChatChunk c : stream) {
        chunks.add(c);
        text.append(c.text());
      }
    });
    return new Received(text.toString(), chunks, failure, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  void ledgerSettled() {
    assertThat(((InMemoryBudgetLedger) sluice.ledger()).totalReserved()).as("reserved left").isZero();
  }

  long spent() {
    BudgetStanding standing = sluice.budgetStandings("r").get(0);
    return standing.spent();
  }

  void connectionsClosed() throws InterruptedException {
    assertThat(server.awaitClosed(5_000)).as("connections left open").isZero();
  }

  @Test
  void aHealthyStreamDeliversEveryChunkThenItsEnd() throws Exception {
    Sluice s = sluice(new SseServer(answer("Your order ships on Monday.")));
    SluiceStream stream = s.stream("r", ChatRequest.ofUser("Where is my order?"), Subject.of("u"));
    List<ChatChunk> chunks = new ArrayList<>();
    stream.forEach(chunks::add);
    SluiceResponse response = stream.response().get(5, TimeUnit.SECONDS);

    assertThat(chunks.stream().map(ChatChunk::text).reduce("", String::concat)).isEqualTo("Your order ships on Monday.");
    assertThat(chunks).hasSize(6);
    assertThat(chunks.get(chunks.size() - 1).finishReason()).isNotNull();
    assertThat(chunks.get(chunks.size() - 1).usage().outputTokens()).isEqualTo(34);
    assertThat(response.text()).isEqualTo("Your order ships on Monday.");
    assertThat(response.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(response.usage().inputTokens()).isEqualTo(12);
    assertThat(server.requests.get(0)).contains("\"stream\":true").contains("\"include_usage\":true");
    assertThat(spent()).isEqualTo(46);
    assertThat(registry.get("gen_ai.client.operation.time_to_first_chunk").timer().count()).isEqualTo(1);
    assertThat(registry.get("gen_ai.client.operation.time_per_output_chunk").timer().count()).as("gaps between 7 chunks").isEqualTo(6);
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).details()).containsKey("time_to_first_chunk_ms");
    ledgerSettled();
    connectionsClosed();
  }

  @Test
  void aStallBeforeTheFirstChunkIsRetriedAfterTheFirstChunkTimeout() throws Exception {
    Sluice s = sluice(new SseServer(List.of(stall(10_000)), answer("Second try.")));
    Received r = read(s);

    assertThat(r.failure()).isNull();
    assertThat(r.text()).isEqualTo("Second try.");
    assertThat(r.millis()).isBetween(TIMEOUT_MS, 5_000L);
    assertThat(server.served()).isEqualTo(2);
    connectionsClosed();
    assertThat(SseServer.STALLED_UNCLOSED.get()).isZero();
    ledgerSettled();
  }

  @Test
  void aServerThatSendsNotEvenAStatusLineIsRetriedAfterTheFirstChunkTimeout() throws Exception {
    Sluice s = sluice(new SseServer(List.of(SseServer.silence(10_000)), answer("Second try.")));
    Received r = read(s);

    assertThat(r.failure()).isNull();
    assertThat(r.text()).isEqualTo("Second try.");
    assertThat(r.millis()).isBetween(TIMEOUT_MS, 5_000L);
    connectionsClosed();
    ledgerSettled();
  }

  @Test
  void anHttpErrorBeforeTheStreamIsRetriedAsAWholeCallsIs() throws Exception {
    Sluice s = sluice(new SseServer(
        List.of(SseServer.status(429, "{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit\"}}", "Retry-After: 0")),
        List.of(SseServer.status(503, "{\"error\":{\"message\":\"overloaded\"}}")),
        answer("Third time.")), Guardrails.NONE, 0, 3);
    Received r = read(s);

    assertThat(r.failure()).isNull();
    assertThat(r.text()).isEqualTo("Third time.");
    assertThat(server.served()).isEqualTo(3);
    assertThat(audit.get(0).attempts()).isEqualTo(3);
    ledgerSettled();
  }

  @Test
  void anHttpErrorIsTheCallsOwnFailureWhenNothingWasDelivered() throws Exception {
    Sluice s = sluice(new SseServer(List.of(SseServer.status(401, "{\"error\":{\"message\":\"bad key sk-...\"}}"))));
    Received r = read(s);

    assertThat(r.text()).isEmpty();
    assertThat(r.failure()).isInstanceOf(ModelCallException.class).isNotInstanceOf(StreamInterruptedException.class);
    assertThat(((ModelCallException) r.failure()).status()).isEqualTo(401);
    assertThat(r.failure().getMessage()).doesNotContain("bad key");
    assertThat(server.served()).as("a client error is not retried").isEqualTo(1);
    ledgerSettled();
  }

  @Test
  void aStallAfterTwoChunksEndsTheStreamWithATimeoutSayingWhatWasDelivered() throws Exception {
    Sluice s = sluice(new SseServer(List.of(text("Your "), text("order "), stall(10_000))));
    Received r = read(s);

    assertThat(r.text()).isEqualTo("Your order ");
    assertThat(r.failure()).isInstanceOf(StreamInterruptedException.class);
    StreamInterruptedException e = (StreamInterruptedException) r.failure();
    assertThat(e.deliveredChunks()).isEqualTo(2);
    assertThat(e.deliveredChars()).isEqualTo(11);
    assertThat(e.reason()).isInstanceOf(ModelCallException.class);
    assertThat(((ModelCallException) e.reason()).kind()).isEqualTo(ModelCallException.Kind.ATTEMPT_TIMEOUT);
    assertThat(e.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(r.millis()).isBetween(TIMEOUT_MS, 5_000L);
    assertThat(server.served()).as("no second attempt after the commit").isEqualTo(1);
    connectionsClosed();
    ledgerSettled();
    assertThat(spent()).as("billed for what it sent, not nothing").isPositive();
  }

  @Test
  void aConnectionCutMidStreamIsAnErrorNeverACleanEnd() throws Exception {
    Sluice s = sluice(new SseServer(List.of(text("Your "), text("order "), cut())));
    Received r = read(s);

    assertThat(r.text()).isEqualTo("Your order ");
    assertThat(r.failure()).isInstanceOf(StreamInterruptedException.class);
    StreamInterruptedException e = (StreamInterruptedException) r.failure();
    assertThat(((ModelCallException) e.reason()).kind()).isEqualTo(ModelCallException.Kind.CONNECTION);
    assertThat(server.served()).isEqualTo(1);
    assertThat(audit.get(0).outcome()).isEqualTo("error");
    connectionsClosed();
    ledgerSettled();
    assertThat(spent()).isPositive();
  }

  @Test
  void aCutBeforeTheFirstChunkIsRetriedLikeAWholeCall() throws Exception {
    Sluice s = sluice(new SseServer(List.of(cut()), answer("Fine now.")));
    Received r = read(s);

    assertThat(r.failure()).isNull();
    assertThat(r.text()).isEqualTo("Fine now.");
    assertThat(server.served()).isEqualTo(2);
    connectionsClosed();
    ledgerSettled();
  }

  @Test
  void aMalformedChunkAfterTheFirstEndsTheStreamAsBadOutput() throws Exception {
    Sluice s = sluice(new SseServer(List.of(text("Your "), event("{not json"), text("never"), finish("stop"), done())));
    Received r = read(s);

    assertThat(r.text()).isEqualTo("Your ");
    StreamInterruptedException e = (StreamInterruptedException) r.failure();
    assertThat(((ModelCallException) e.reason()).kind()).isEqualTo(ModelCallException.Kind.BAD_OUTPUT);
    assertThat(e.getMessage()).doesNotContain("not json");
    connectionsClosed();
    ledgerSettled();
  }

  @Test
  void aMalformedFirstChunkIsRetried() throws Exception {
    Sluice s = sluice(new SseServer(List.of(event("{not json")), answer("Retried.")));
    Received r = read(s);

    assertThat(r.failure()).isNull();
    assertThat(r.text()).isEqualTo("Retried.");
    assertThat(server.served()).isEqualTo(2);
    ledgerSettled();
  }

  @Test
  void aStreamWithoutDoneButWithItsFinishReasonIsComplete() throws Exception {
    Sluice s = sluice(new SseServer(List.of(text("All "), text("here."), finish("stop"), usage(5, 2))));
    Received r = read(s);

    assertThat(r.failure()).isNull();
    assertThat(r.text()).isEqualTo("All here.");
    ledgerSettled();
  }

  @Test
  void aServerThatHoldsItsConnectionOpenAfterDoneIsCutOffAfterAGracePeriod() throws Exception {
    List<SseServer.Step> steps = new ArrayList<>(answer("All done."));
    steps.add(stall(10_000));
    Sluice s = sluice(new SseServer(steps));
    Received r = read(s);

    assertThat(r.failure()).isNull();
    assertThat(r.text()).isEqualTo("All done.");
    assertThat(r.millis()).as("the caller is not kept waiting").isLessThan(1_500);
    int before = SseServer.STALLED_UNCLOSED.get();
    connectionsClosed();
    assertThat(SseServer.STALLED_UNCLOSED.get()).isEqualTo(before);
    ledgerSettled();
  }

  @Test
  void aStreamThatEndsWithoutAFinishReasonIsCut() throws Exception {
    Sluice s = sluice(new SseServer(List.of(text("Half "), text("an answer"))));
    Received r = read(s);

    assertThat(r.text()).isEqualTo("Half an answer");
    assertThat(r.failure()).isInstanceOf(StreamInterruptedException.class);
    assertThat(((ModelCallException) ((StreamInterruptedException) r.failure()).reason()).kind())
        .isEqualTo(ModelCallException.Kind.CONNECTION);
    ledgerSettled();
  }

  @Test
  void missingUsageIsEstimatedFromTheRequestAndTheStreamedTextNeverZero() throws Exception {
    Sluice s = sluice(new SseServer(List.of(text("Your order ships "), text("on Monday."), finish("stop"), done())));
    Received r = read(s);

    assertThat(r.failure()).isNull();
    SluiceResponse response = s.stream("r", ChatRequest.ofUser("x"), Subject.of("u")).response().getNow(null);
    assertThat(response).as("not started until subscribed").isNull();
    assertThat(audit.get(0).details()).containsKey("usage_estimated");
    long in = audit.get(0).usage().get("input");
    long out = audit.get(0).usage().get("output");
    assertThat(out).isBetween(4L, 10L);
    assertThat(in).isPositive();
    assertThat(spent()).isEqualTo(in + out);
    ledgerSettled();
  }

  /** Blocks an answer containing a (made-up) live key; checks partial text. */
  static final class LeakedKey implements OutputGuardrail {
    static final Pattern KEY = Pattern.compile("sk-live-[A-Za-z0-9]{24}");

    @Override
    public String name() {
      return "leaked-key";
    }

    @Override
    public GuardrailResult check(ChatResponse response, CallContext call) {
      return KEY.matcher(response.text()).find() ? GuardrailResult.block("a live key") : GuardrailResult.pass();
    }

    @Override
    public boolean checksPartialText() {
      return true;
    }
  }

  @Test
  void aSecretSplitOverTwoChunksIsCaughtBeforeAnyOfItReachesTheCaller() throws Exception {
    List<SseServer.Step> steps = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      steps.add(text("Some harmless words here. "));
    }
    steps.add(text("Your key is sk-live-ABCDEFGHIJ"));
    steps.add(text("KLMNOPQRSTUVWX and that is all."));
    for (int i = 0; i < 60; i++) {
      steps.add(text("More words. "));
    }
    steps.add(finish("stop"));
    steps.add(done());
    Sluice s = sluice(new SseServer(steps), Guardrails.builder().output(new LeakedKey()).streamWindowChars(64).build(), 0);
    Received r = read(s);

    assertThat(r.text()).startsWith("Some harmless words here.").doesNotContain("sk-live");
    assertThat(r.failure()).isInstanceOf(StreamInterruptedException.class);
    assertThat(((StreamInterruptedException) r.failure()).reason()).isInstanceOf(GuardrailBlockedException.class);
    assertThat(audit.get(0).outcome()).isEqualTo(Outcome.GUARDRAIL_BLOCKED.tag());
    connectionsClosed();
    ledgerSettled();
  }

  @Test
  void toolCallPiecesArePutTogetherAndPassedOnAsTheyCome() throws Exception {
    Sluice s = sluice(new SseServer(List.of(
        event("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"lookup_order\",\"arguments\":\"{\\\"id\\\":\"}}]},\"finish_reason\":null}]}"),
        event("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"A-17\\\"}\"}}]},"
            + "\"finish_reason\":null}]}"),
        finish("tool_calls"), usage(30, 12), done())));
    SluiceStream stream = s.stream("r", ChatRequest.ofUser("Where is order A-17?"), Subject.of("u"));
    List<ChatChunk> chunks = new ArrayList<>();
    stream.forEach(chunks::add);
    SluiceResponse r = stream.response().get(5, TimeUnit.SECONDS);

    assertThat(chunks.get(0).toolCalls()).singleElement().satisfies(d -> {
      assertThat(d.id()).isEqualTo("call_1");
      assertThat(d.name()).isEqualTo("lookup_order");
    });
    assertThat(r.chatResponse().toolCalls()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("lookup_order");
      assertThat(c.argumentsJson()).isEqualTo("{\"id\":\"A-17\"}");
    });
    assertThat(r.chatResponse().finishReason()).isEqualTo(dev.sluice.model.FinishReason.TOOL_CALLS);
    ledgerSettled();
  }

  @Test
  void aStreamedRefusalIsARefusal() throws Exception {
    Sluice s = sluice(new SseServer(List.of(
        event("{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I can't \"},\"finish_reason\":null}]}"),
        event("{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"help with that.\"},\"finish_reason\":null}]}"),
        finish("stop"), usage(9, 5), done())));
    SluiceStream stream = s.stream("r", ChatRequest.ofUser("q"), Subject.of("u"));
    List<ChatChunk> chunks = new ArrayList<>();
    stream.forEach(chunks::add);
    SluiceResponse r = stream.response().get(5, TimeUnit.SECONDS);

    assertThat(chunks.stream().map(ChatChunk::refusal).reduce("", String::concat)).isEqualTo("I can't help with that.");
    assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(r.text()).isEqualTo("I can't help with that.");
  }

  @Test
  void tenThousandTinyChunksAllArrive() throws Exception {
    List<SseServer.Step> steps = new ArrayList<>();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      String piece = Character.toString('a' + i % 26);
      steps.add(text(piece));
      expected.append(piece);
    }
    steps.add(finish("stop"));
    steps.add(usage(10, 10_000));
    steps.add(done());
    Sluice s = sluice(new SseServer(steps));
    Received r = read(s);

    assertThat(r.failure()).isNull();
    assertThat(r.text()).isEqualTo(expected.toString());
    assertThat(r.chunks()).hasSize(10_001);
    connectionsClosed();
    ledgerSettled();
  }

  @Test
  void aSlowConsumerSlowsTheReadingAndCancellingClosesTheConnection() throws Exception {
    int events = 20_000;
    String kilobyte = "x".repeat(1000);
    List<SseServer.Step> steps = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      steps.add(text(kilobyte));
    }
    steps.add(finish("stop"));
    steps.add(done());
    SseServer s = new SseServer(steps);
    Sluice sl = sluice(s);
    ChunkReader<ChatChunk> reader = ChunkReader.manual();
    SluiceStream stream = sl.stream("r", ChatRequest.ofUser("q"), Subject.of("u"));
    stream.subscribe(reader);
    reader.subscription.request(5);
    reader.awaitItems(5);
    // Until the server stops getting anywhere: blocked on full socket buffers, as back-pressure makes it.
    int written = s.awaitQuiet(300, 10_000);

    assertThat(reader.items).hasSize(5);
    assertThat(reader.failure.get()).as("a slow reader is not timed out").isNull();
    assertThat(reader.complete).isFalse();
    // Socket buffers on both sides hold some megabytes; the rest stays with the server.
    assertThat(written).as("events the server could write").isLessThan(events / 2);
    reader.subscription.cancel();
    connectionsClosed();
    assertThat(stream.response()).failsWithin(Duration.ofSeconds(5));
    ledgerSettled();
  }
}
