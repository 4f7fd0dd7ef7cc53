package dev.sluice.examples.demo;

import dev.sluice.Sluice;
import dev.sluice.redis.RedisBudgetLedger;
import dev.sluice.redis.RedisEvidenceExchange;
import dev.sluice.redis.RedisRolloutStateStore;
import dev.sluice.redis.RedisToggleSource;
import dev.sluice.redis.RedisReleaseStore;
import dev.sluice.time.TimeSource;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import redis.embedded.RedisServer;

/**
 * The demo's fleet (--pods N): a Redis server started from the embedded-redis artifact's binary on
 * a free port of 127.0.0.1 (nothing to install, nothing reachable from outside), and the shared
 * budgets, rollout state, toggles and release log each pod is built with. Closed after the pods.
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
   * One pod's builder, sharing the fleet's budgets, rollout state, toggles and judge evidence (they
   * close with the pod): one pod at a time evaluates, on every pod's calls. Budgets in leased mode, slices of half a percent of each cap: the demo pushes a hundred
   * thousand calls through in seconds of wall time, which exact mode's two round trips per call
   * (about 0.8 ms on a small VM) would make minutes.
   */
  Sluice.Builder join(Sluice.Builder pod, TimeSource time) {
    RedisBudgetLedger ledger = RedisBudgetLedger.builder(client).keyPrefix(prefix + "budget:").timeSource(time)
        .leasedByDefault(0.005).build();
    RedisRolloutStateStore state = RedisRolloutStateStore.builder(client).keyPrefix(prefix + "rollout:").build();
    RedisToggleSource toggles = RedisToggleSource.builder(client).keyPrefix(prefix + "toggles:").build();
    RedisEvidenceExchange evidence = RedisEvidenceExchange.builder(client).keyPrefix(prefix + "rollout:").build();
    RedisReleaseStore releases = RedisReleaseStore.builder(client).keyPrefix(prefix + "release:").build();
    return pod.ledger(ledger).rolloutStateStore(state).toggleSource(toggles).judgeEvidence(evidence).releaseStore(releases)
        .closeWith(ledger).closeWith(state).closeWith(toggles).closeWith(evidence).closeWith(releases);
  }

  /** What the fleet spent on an account, read from Redis (once the pods are closed, every slice has gone back). */
  double spentUsd(String account) {
    try (RedisBudgetLedger reader = RedisBudgetLedger.builder(client).keyPrefix(prefix + "budget:").build()) {
      return reader.balance(account).spent() / 1e9;
    }
  }

  @Override
  public void close() throws IOException {
    client.shutdown();
    server.stop();
  }
}
