package dev.sluice.openai;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test servers on 127.0.0.1: an HttpServer that plays a script of responses, and a raw socket
 * server for faults HttpServer cannot produce (reset, truncated body, a server that never answers).
 */
final class FaultServer implements AutoCloseable {

  /** One scripted HTTP response. */
  interface Reply {
    void send(HttpExchange exchange) throws IOException;
  }

  final HttpServer server;
  final List<String> requestBodies = new CopyOnWriteArrayList<>();
  final List<String> authHeaders = new CopyOnWriteArrayList<>();
  private final List<Reply> script;
  private final Reply repeat;
  private final AtomicInteger served = new AtomicInteger();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  FaultServer(List<Reply> script, Reply repeat) throws IOException {
    this.script = new ArrayList<>(script);
    this.repeat = repeat;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/v1/chat/completions", exchange -> {
      requestBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      authHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      int n = served.getAndIncrement();
      Reply reply = n < this.script.size() ? this.script.get(n) : this.repeat;
      try {
        reply.send(exchange);
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  int served() {
    return served.get();
  }

  static Reply json(int status, String body, String... headers) {
    return exchange -> {
      for (int i = 0; i + 1 < headers.length; i += 2) {
        exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    };
  }

  static Reply slowHeaders(long millis, String body) {
    return exchange -> {
      sleep(millis);
      json(200, body).send(exchange);
    };
  }

  static Reply slowBody(long millis, String body) {
    return exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      OutputStream out = exchange.getResponseBody();
      out.write(bytes, 0, bytes.length / 2);
      out.flush();
      sleep(millis);
      try {
        out.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
        out.close();
      } catch (IOException clientGone) {
        // the client aborted, as it should
      }
    };
  }

  /** Reads a request's head (to the blank line) and drains what of its body has arrived. */
  static void readHead(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    int b;
    while (matched < 4 && (b = in.read()) >= 0) {
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    while (in.available() > 0) {
      in.read();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  static String completion(String content, String finish, int in, int out, int cached) {
    return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + quote(content) + "},"
        + "\"finish_reason\":\"" + finish + "\"}],"
        + "\"usage\":{\"prompt_tokens\":" + in + ",\"completion_tokens\":" + out + ",\"total_tokens\":" + (in + out)
        + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "}}}";
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** A raw socket server: each accepted connection is handed to {@code handler} on its own thread. */
  static final class Raw implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger closedByClient = new AtomicInteger();
    /** One permit per connection the client closed, to wait on without polling. */
    final java.util.concurrent.Semaphore closes = new java.util.concurrent.Semaphore(0);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    interface Handler {
      void handle(Socket s, Raw server) throws IOException;
    }

    Raw(Handler handler) throws IOException {
      socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
      pool.submit(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            accepted.incrementAndGet();
            open.add(s);
            pool.submit(() -> {
              try {
                handler.handle(s, this);
              } catch (IOException ignored) {
                // the fault is the point
              }
              return null;
            });
          } catch (IOException closed) {
            return null;
          }
        }
        return null;
      });
    }

    String baseUrl() {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    /** Reads the request head, then waits until the client closes the connection, counting that. */
    static void neverAnswer(Socket s, Raw server) throws IOException {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      while (in.read(buf) >= 0) {
        // keep reading until the client goes away
      }
      server.closedByClient.incrementAndGet();
      server.closes.release();
      s.close();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : open) {
        s.close();
      }
      pool.shutdownNow();
    }
  }
}
