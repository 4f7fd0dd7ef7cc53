package dev.sluice.examples.demo;

import dev.sluice.Sluice;
import dev.sluice.redis.RedisRolloutStateStore;
import dev.sluice.redis.RedisToggleSource;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import redis.embedded.RedisServer;

/**
 * The demo's fleet (--pods N): a Redis server started from the embedded-redis artifact's binary on
 * a free port of 127.0.0.1 (nothing to install, nothing reachable from outside), and the shared
 * rollout state and toggles each pod is built with. Closed after the pods.
 */
final class DemoFleet implements AutoCloseable {

  private final RedisServer server;
  private final RedisClient client;
  private final String prefix;

  private DemoFleet(RedisServer server, RedisClient client, String prefix) {
    this.server = server;
    this.client = client;
    this.prefix = prefix;
  }

  static DemoFleet start() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
        .setting("dir " + Files.createTempDirectory("sluice-demo-redis")).setting("save \"\"").build();
    server.start();
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
    client.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    return new DemoFleet(server, client, "demo-" + System.nanoTime() + ":");
  }

  /**
   * One pod's builder, sharing the fleet's rollout state and toggles (they close with the pod).
   * Budgets stay per pod in the demo: a shared reservation is two Redis round trips per call (about
   * 0.8 ms on a small VM), and the demo pushes a hundred thousand calls through in seconds of wall
   * time; the Redis module's tests show shared budgets ({@code FleetBudgetTest}).
   */
  Sluice.Builder join(Sluice.Builder pod) {
    RedisRolloutStateStore state = RedisRolloutStateStore.builder(client).keyPrefix(prefix + "rollout:").build();
    RedisToggleSource toggles = RedisToggleSource.builder(client).keyPrefix(prefix + "toggles:").build();
    return pod.rolloutStateStore(state).toggleSource(toggles).closeWith(state).closeWith(toggles);
  }

  @Override
  public void close() throws IOException {
    client.shutdown();
    server.stop();
  }
}
