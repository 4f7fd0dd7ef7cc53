package dev.sluice.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1 for tests: it answers by a script (a
 * status and body per request, the last one repeated), whole JSON or server-sent events, and keeps
 * what it was sent. For testing a client or an adapter against real HTTP without a network.
 *
 * <pre>{@code
 * try (var stub = new ChatCompletionsStub(List.of(ChatCompletionsStub.error(429), ChatCompletionsStub.text("Hi.", 10, 2)))) {
 *   ModelClient client = OpenAiCompatibleClient.builder().baseUrl(stub.baseUrl()).build();
 *   ...
 *   assertThat(stub.requests()).hasSize(2);
 * }
 * }</pre>
 */
public final class ChatCompletionsStub implements AutoCloseable {

  /** One scripted answer: the HTTP status and the body (a body starting {@code data:} is sent as an event stream). */
  public record Reply(int status, String body) {}

  private final HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger served = new AtomicInteger();

  /** Starts the server; it answers the n-th request with the n-th reply, and every later one with the last. */
  public ChatCompletionsStub(List<Reply> script) throws IOException {
    if (script.isEmpty()) {
      throw new IllegalArgumentException("the script needs at least one reply");
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", exchange -> {
      requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      Reply r = script.get(Math.min(served.getAndIncrement(), script.size() - 1));
      byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", r.body().startsWith("data:") ? "text/event-stream" : "application/json");
      exchange.sendResponseHeaders(r.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  /** The base URL up to {@code /v1}, e.g. {@code http://127.0.0.1:41234/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The request bodies received so far, in order. */
  public List<String> requests() {
    return requests;
  }

  /** A whole text answer with its usage. */
  public static Reply text(String content, int in, int out) {
    return new Reply(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":" + in + ",\"completion_tokens\":" + out + ",\"total_tokens\":" + (in + out) + "}}");
  }

  /** A whole answer that asks for one tool call. */
  public static Reply toolCall(String id, String name, String argumentsJson) {
    return new Reply(200, "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":"
        + "{\"name\":\"" + name + "\",\"arguments\":" + quote(argumentsJson) + "}}]},\"finish_reason\":\"tool_calls\"}],"
        + "\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":10,\"total_tokens\":60}}");
  }

  /** A streamed answer: its words as events, then the finish reason, the usage and [DONE]. */
  public static Reply stream(String text, int in, int out) {
    StringBuilder b = new StringBuilder();
    for (String word : text.split("(?<= )")) {
      b.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,")
          .append("\"delta\":{\"content\":").append(quote(word)).append("},\"finish_reason\":null}]}\n\n");
    }
    b.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,")
        .append("\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    b.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[],")
        .append("\"usage\":{\"prompt_tokens\":").append(in).append(",\"completion_tokens\":").append(out).append(",\"total_tokens\":")
        .append(in + out).append("}}\n\n");
    b.append("data: [DONE]\n\n");
    return new Reply(200, b.toString());
  }

  /** An HTTP error with an OpenAI-style error body. */
  public static Reply error(int status) {
    return new Reply(status, "{\"error\":{\"message\":\"try later\",\"type\":\"server_error\"}}");
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
