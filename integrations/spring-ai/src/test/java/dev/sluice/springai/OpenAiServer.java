package dev.sluice.springai;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A chat-completions server on 127.0.0.1 that answers by a script (status and body per request) and keeps what it was sent. */
final class OpenAiServer implements AutoCloseable {

  record Reply(int status, String body) {}

  final HttpServer server;
  final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger served = new AtomicInteger();

  OpenAiServer(List<Reply> script) throws IOException {
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

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  static Reply text(String content, int in, int out) {
    return new Reply(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":" + in + ",\"completion_tokens\":" + out + ",\"total_tokens\":" + (in + out) + "}}");
  }

  static Reply toolCall(String id, String name, String argumentsJson) {
    return new Reply(200, "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":"
        + "{\"name\":\"" + name + "\",\"arguments\":" + quote(argumentsJson) + "}}]},\"finish_reason\":\"tool_calls\"}],"
        + "\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":10,\"total_tokens\":60}}");
  }

  /** A streamed answer: its words as events, then the finish reason, the usage and [DONE]. */
  static Reply stream(String text, int in, int out) {
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

  static Reply error(int status) {
    return new Reply(status, "{\"error\":{\"message\":\"try later\",\"type\":\"server_error\"}}");
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
