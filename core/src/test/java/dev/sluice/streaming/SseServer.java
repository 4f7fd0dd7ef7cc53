package dev.sluice.streaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile chat-completions server on 127.0.0.1 that streams server-sent events by a script, over
 * raw sockets (chunked transfer encoding), so it can stall, cut the connection mid-stream or send
 * what a real server would not. It counts connections that are still open, so a test can prove
 * the client closed every one.
 */
final class SseServer implements AutoCloseable {

  /** A script's first step in place of the usual 200 event-stream head: another answer, or none. */
  interface Head extends Step {
    /** Writes the head (and maybe a whole answer); false to end the connection here. */
    boolean send(OutputStream out, Socket socket) throws IOException, InterruptedException;

    @Override
    default boolean run(OutputStream out, Socket socket) {
      throw new IllegalStateException("a head is the first step of a script");
    }
  }

  /** An HTTP error with a JSON body, and the end of the connection. */
  static Head status(int status, String json, String... headers) {
    return (out, socket) -> {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " Error\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\nConnection: close\r\n");
      for (String h : headers) {
        head.append(h).append("\r\n");
      }
      out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      return false;
    };
  }

  /** Not a byte, not even a status line: waits for the client to give up (see {@link #stall}). */
  static Head silence(long millis) {
    Step wait = stall(millis);
    return (out, socket) -> wait.run(out, socket);
  }

  /** One step of a script: write, wait, or end the connection. */
  interface Step {
    /** Returns false to end the connection here without a proper end of body (a cut). */
    boolean run(OutputStream out, Socket socket) throws IOException, InterruptedException;
  }

  private final ServerSocket socket;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sse-server");
    t.setDaemon(true);
    return t;
  });
  private final List<List<Step>> scripts;
  private final AtomicInteger served = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger written = new AtomicInteger();
  final List<String> requests = new CopyOnWriteArrayList<>();

  @SafeVarargs
  SseServer(List<Step>... scripts) throws IOException {
    this.scripts = List.of(scripts);
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::accept);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
  }

  int served() {
    return served.get();
  }

  /** Script steps the server got through (events written, waits waited). */
  int written() {
    return written.get();
  }

  /** Connections the client has not closed yet. */
  int open() {
    return open.get();
  }

  /** Waits up to {@code millis} for every connection to be closed by the client; returns how many are still open. */
  synchronized int awaitClosed(long millis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    long left;
    while (open.get() > 0 && (left = end - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return open.get();
  }

  /**
   * Waits until the server has got through no script step for {@code quietMillis} (it is blocked
   * writing to a socket nobody reads, or done), at most {@code maxMillis}; returns the steps it got
   * through.
   */
  synchronized int awaitQuiet(long quietMillis, long maxMillis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
    while (System.nanoTime() < end) {
      int before = written.get();
      TimeUnit.MILLISECONDS.timedWait(this, quietMillis);
      if (written.get() == before) {
        break;
      }
    }
    return written.get();
  }

  /** Wakes whoever waits for the connections or the steps to change. */
  private synchronized void changed() {
    notifyAll();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        open.incrementAndGet();
        pool.execute(() -> serve(s));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      String request = readRequest(in);
      requests.add(request);
      int n = served.getAndIncrement();
      List<Step> script = scripts.get(Math.min(n, scripts.size() - 1));
      OutputStream out = s.getOutputStream();
      if (!script.isEmpty() && script.get(0) instanceof Head head) {
        if (!head.send(out, s)) {
          return;
        }
        written.incrementAndGet();
        changed();
        script = script.subList(1, script.size());
      } else {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      boolean whole = true;
      for (Step step : script) {
        if (!step.run(out, s)) {
          whole = false;
          break;
        }
        written.incrementAndGet();
        changed();
      }
      if (whole) {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the client went away: that is what several tests want
    } finally {
      open.decrementAndGet();
      changed();
    }
  }

  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("request ended early");
      }
      head.write(c);
      matched = (c == '\r' || c == '\n') && (matched % 2 == 0 ? c == '\r' : c == '\n') ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    String h = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
    pool.shutdownNow();
  }

  // Script steps.

  /** One SSE event with this data, as one HTTP chunk. */
  static Step event(String data) {
    return raw("data: " + data + "\n\n");
  }

  /** Bytes as one HTTP chunk. */
  static Step raw(String text) {
    return (out, socket) -> {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return true;
    };
  }

  /**
   * Sends nothing more and waits for the client to close the connection (up to {@code millis});
   * a client that never closes it is counted as {@link #stalledUnclosed}.
   */
  static Step stall(long millis) {
    return (out, socket) -> {
      socket.setSoTimeout((int) millis);
      try {
        while (socket.getInputStream().read() >= 0) {
          // the client sends nothing more; any byte is ignored
        }
      } catch (SocketTimeoutException e) {
        STALLED_UNCLOSED.incrementAndGet();
      } catch (IOException closedByClient) {
        // reset by the client: closed
      }
      return false;
    };
  }

  /** Stalls whose connection the client never closed, over every server. */
  static final AtomicInteger STALLED_UNCLOSED = new AtomicInteger();

  /** Closes the connection mid-body: no last chunk. */
  static Step cut() {
    return (out, socket) -> false;
  }

  static Step done() {
    return event("[DONE]");
  }

  /** A text delta. */
  static Step text(String text) {
    return event("{\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":" + quote(text) + "},\"finish_reason\":null}]}");
  }

  static Step finish(String reason) {
    return event("{\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}");
  }

  static Step usage(int in, int out) {
    return event("{\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + in + ",\"completion_tokens\":" + out + "}}");
  }

  /** A whole good answer: its words as deltas, stop, usage, [DONE]. */
  static List<Step> answer(String text) {
    List<Step> steps = new ArrayList<>();
    for (String word : text.split("(?<= )")) {
      steps.add(text(word));
    }
    steps.add(finish("stop"));
    steps.add(usage(12, 34));
    steps.add(done());
    return steps;
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
