package dev.sluice.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on 127.0.0.1 that holds every chunk of bytes for a fixed delay before passing it on,
 * in both directions: a slow network between a pod and Redis. Closing it closes every connection
 * and ends its threads.
 */
final class DelayingProxy implements AutoCloseable {

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "delaying-proxy");
    t.setDaemon(true);
    return t;
  });
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final long delayNanos;
  private final int target;

  DelayingProxy(int target, long delayMillis) throws IOException {
    this.target = target;
    this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        threads.execute(() -> pipe(client, upstream));
        threads.execute(() -> pipe(upstream, client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        // The network's delay, in real time (this is what the proxy is for).
        LockSupport.parkNanos(delayNanos);
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // a side closed: the other is closed below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    sockets.forEach(DelayingProxy::closeQuietly);
    threads.shutdownNow();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
