package dev.sluice.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.internal.ChunkPump;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.FinishReason;
import dev.sluice.model.TokenUsage;
import dev.sluice.model.ToolCallDelta;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.time.TimeSource;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A chat-completions event stream read as it arrives: server-sent events split into lines, each
 * {@code data:} event read as one chunk, {@code [DONE]} the end. Reading follows demand: the
 * body is asked for one buffer at a time, and only while the pump's subscriber wants chunks, so a
 * slow subscriber leaves the bytes in the socket. Bounded: the whole stream at the client's
 * maximum response size, one event at the same size.
 *
 * <p>A stream that ends (or is cut) before the model said why it stopped fails with {@link
 * ModelCallException.Kind#CONNECTION}; an event that is not JSON, or a chunk with no choices and
 * no usage, with {@link ModelCallException.Kind#BAD_OUTPUT}; an {@code error} event with {@link
 * ModelCallException.Kind#SERVER_ERROR}.
 */
final class SseStream implements HttpResponse.BodySubscriber<Object> {

  /** What the body completes with when it was a stream: the chunks went to the pump. */
  static final Object STREAMED = new Object();

  private final ChunkPump<ChatChunk> pump;
  private final long limit;
  private final String provider;
  private final ObjectMapper json;
  private final Function<JsonNode, TokenUsage> usage;
  private final TimeSource time;
  private final CompletableFuture<Object> body = new CompletableFuture<>();
  private final AtomicBoolean outstanding = new AtomicBoolean();
  private volatile Flow.@Nullable Subscription subscription;
  /** Only the body's thread touches the fields below (the HTTP client delivers one buffer at a time). */
  private byte[] line = new byte[256];
  private int lineLength;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private long read;
  private int events;
  private boolean finished;
  private volatile boolean over;

  SseStream(ChunkPump<ChatChunk> pump, long limit, String provider, ObjectMapper json, Function<JsonNode, TokenUsage> usage,
      TimeSource time) {
    this.time = time;
    this.pump = pump;
    this.limit = limit;
    this.provider = provider;
    this.json = json;
    this.usage = usage;
  }

  /** The pump's subscriber wants more: read the next buffer, unless one is already asked for. */
  void more() {
    Flow.Subscription s = subscription;
    if (s != null && !over && outstanding.compareAndSet(false, true)) {
      s.request(1);
    }
  }

  /** The subscriber cancelled, or the exchange failed: stop reading. */
  void stop() {
    over = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    body.complete(STREAMED);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (over) {
      s.cancel();
      return;
    }
    outstanding.set(true);
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    outstanding.set(false);
    if (over) {
      return;
    }
    for (ByteBuffer b : buffers) {
      read += b.remaining();
      if (read > limit) {
        fail(new ModelCallException(ModelCallException.Kind.TOO_LARGE, 200, provider + "'s stream went on past " + limit
            + " bytes; reading stopped there (raise OpenAiCompatibleClient.Builder.maxResponseBytes if answers this size are expected)",
            null, null));
        return;
      }
      while (b.hasRemaining() && !over) {
        byte c = b.get();
        if (c == '\n') {
          endOfLine();
        } else {
          if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
          }
          line[lineLength++] = c;
        }
      }
    }
    if (!over && pump.hungry()) {
      more();
    }
  }

  private void endOfLine() {
    int n = lineLength;
    if (n > 0 && line[n - 1] == '\r') {
      n--;
    }
    lineLength = 0;
    if (n == 0) {
      dispatch();
      return;
    }
    if (line[0] == ':') {
      return; // a comment: servers send them to keep the connection open
    }
    if (n >= 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && line[4] == ':') {
      int from = n > 5 && line[5] == ' ' ? 6 : 5;
      if (hasData) {
        data.append('\n');
      }
      data.append(new String(line, from, n - from, StandardCharsets.UTF_8));
      hasData = true;
    }
    // event:, id:, retry: and unknown fields carry nothing a chat stream needs.
  }

  /** A blank line ends an event. */
  private void dispatch() {
    if (!hasData) {
      return;
    }
    String event = data.toString();
    data.setLength(0);
    hasData = false;
    events++;
    if (event.equals("[DONE]")) {
      over = true;
      // A server ends its body right after [DONE], and the connection goes back to the pool; one
      // that does not is cut off after a grace period, so no connection is held forever.
      time.schedule(AFTER_DONE, this::closeIfOpen);
      if (finished) {
        pump.complete();
      } else {
        pump.fail(cut("sent [DONE] before saying why the model stopped"));
      }
      body.complete(STREAMED);
      return;
    }
    ChatChunk chunk;
    try {
      chunk = chunk(json.readTree(event));
    } catch (IOException e) {
      fail(new ModelCallException(ModelCallException.Kind.BAD_OUTPUT, 200,
          provider + "'s stream event " + events + " is not JSON", null, null));
      return;
    } catch (ModelCallException e) {
      fail(e);
      return;
    }
    if (chunk != null) {
      pump.offer(chunk);
    }
  }

  private @Nullable ChatChunk chunk(JsonNode root) {
    JsonNode error = root.path("error");
    if (!error.isMissingNode() && !error.isNull()) {
      throw new ModelCallException(ModelCallException.Kind.SERVER_ERROR, 200, provider + " sent an error event in its stream (event "
          + events + "); its text is in ModelCallException.providerMessage()", null, null)
          .withProviderMessage(error.path("message").asText(error.asText("")));
    }
    JsonNode u = root.path("usage");
    TokenUsage used = u.isObject() ? usage.apply(u) : null;
    JsonNode choice = root.path("choices").path(0);
    String model = root.path("model").isTextual() ? root.path("model").asText() : null;
    if (choice.isMissingNode()) {
      if (used == null) {
        if (root.path("choices").isArray()) {
          return null; // an empty keep-alive chunk
        }
        throw new ModelCallException(ModelCallException.Kind.BAD_OUTPUT, 200,
            provider + "'s stream event " + events + " has neither choices nor usage", null, null);
      }
      return new ChatChunk("", "", List.of(), null, used, model);
    }
    JsonNode delta = choice.path("delta");
    String text = delta.path("content").isTextual() ? delta.path("content").asText() : "";
    String refusal = delta.path("refusal").isTextual() ? delta.path("refusal").asText() : "";
    List<ToolCallDelta> calls = List.of();
    JsonNode tc = delta.path("tool_calls");
    if (tc.isArray() && !tc.isEmpty()) {
      calls = new ArrayList<>(tc.size());
      for (JsonNode c : tc) {
        JsonNode fn = c.path("function");
        calls.add(new ToolCallDelta(Math.max(0, c.path("index").asInt(0)), c.path("id").isTextual() ? c.path("id").asText() : null,
            fn.path("name").isTextual() ? fn.path("name").asText() : null,
            fn.path("arguments").isTextual() ? fn.path("arguments").asText() : ""));
      }
    }
    JsonNode fr = choice.path("finish_reason");
    FinishReason finish = fr.isTextual() ? FinishReason.fromWire(fr.asText()) : null;
    if (finish != null) {
      finished = true;
    }
    return new ChatChunk(text, refusal, calls, finish, used, model);
  }

  private ModelCallException cut(String how) {
    return new ModelCallException(ModelCallException.Kind.CONNECTION, 200, provider + "'s stream " + how
        + " after " + events + " event(s): the answer is incomplete", null, null);
  }

  private void fail(ModelCallException e) {
    over = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    pump.fail(e);
    body.complete(STREAMED);
  }

  @Override
  public void onError(Throwable t) {
    bodyEnded = true;
    if (!over) {
      over = true;
      pump.fail(new ModelCallException(ModelCallException.Kind.CONNECTION, 200, provider + "'s stream broke after " + events
          + " event(s): " + t.getClass().getSimpleName(), null, t));
    }
    body.complete(STREAMED);
  }

  /** How long a body may go on after {@code [DONE]} before its connection is closed. */
  static final java.time.Duration AFTER_DONE = java.time.Duration.ofSeconds(2);

  private volatile boolean bodyEnded;

  private void closeIfOpen() {
    Flow.Subscription s = subscription;
    if (!bodyEnded && s != null) {
      s.cancel();
    }
  }

  @Override
  public void onComplete() {
    bodyEnded = true;
    if (!over) {
      over = true;
      if (lineLength > 0) {
        endOfLine();
      }
      dispatch();
      if (!pump.isDone()) {
        if (finished) {
          pump.complete();
        } else {
          pump.fail(cut("ended"));
        }
      }
    }
    body.complete(STREAMED);
  }

  @Override
  public CompletionStage<Object> getBody() {
    return body;
  }
}
