package dev.sluice.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import redis.embedded.RedisServer;

/**
 * A real Redis server for the tests, on a free port of 127.0.0.1: the {@code redis-server}
 * binary shipped in the embedded-redis artifact (Redis 6.2), started here and stopped by
 * {@link #close()}. No test is skipped for want of Redis: if it cannot start, the test fails
 * saying why.
 */
final class LocalRedis implements AutoCloseable {

  private final RedisServer server;
  final int port;

  private LocalRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * With an append-only file written on every command, in a fresh temporary directory, so that a
   * {@link #restart()} keeps the data, as a production Redis with persistence would.
   */
  static LocalRedis start() {
    int port = freePort();
    try {
      Path dir = Files.createTempDirectory("sluice-redis-");
      dir.toFile().deleteOnExit();
      RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("dir " + dir)
          .setting("save \"\"").setting("appendonly yes").setting("appendfsync always").build();
      server.start();
      return new LocalRedis(server, port);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded Redis server on 127.0.0.1:" + port, e);
    }
  }

  /** Starts the stopped server again, on the same port, with the data it had. */
  void restart() {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not restart the embedded Redis server on 127.0.0.1:" + port, e);
    }
  }

  /**
   * A client whose commands fail at once while it is disconnected (instead of waiting to be sent
   * after a reconnect), as fleet mode's own clients do, so that a stopped server fails closed.
   */
  RedisClient client() {
    RedisURI uri = RedisURI.Builder.redis("127.0.0.1", port).withTimeout(Duration.ofSeconds(5)).build();
    RedisClient client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    return client;
  }

  /** Stops the server; {@link #restart()} brings it back with its data. */
  void stop() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
