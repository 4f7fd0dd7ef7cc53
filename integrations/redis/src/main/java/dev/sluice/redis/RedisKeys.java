package dev.sluice.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The keys fleet mode writes: {@code <prefix>{<name>}} (the braces a hash tag, so a name's keys share
 * a Redis Cluster slot) and a change channel {@code <prefix>changes}, on which a write announces the
 * name it changed.
 */
final class RedisKeys {

  /** The longest key prefix accepted. */
  static final int MAX_PREFIX = 200;

  private RedisKeys() {}

  static String checkedPrefix(String keyPrefix) {
    if (Objects.requireNonNull(keyPrefix, "keyPrefix").length() > MAX_PREFIX) {
      throw new IllegalArgumentException("keyPrefix must be at most " + MAX_PREFIX + " characters, got " + keyPrefix.length());
    }
    return keyPrefix;
  }

  static String key(String prefix, String name) {
    return prefix + "{" + name + "}";
  }

  static String channel(String prefix) {
    return prefix + "changes";
  }

  /**
   * Listens on the prefix's change channel, on a connection of its own (closing it stops): each
   * name announced goes to {@code changed} on Lettuce's computation threads, never on the I/O event
   * loop that read it: a listener that reads Redis synchronously there (or hands the work to an
   * executor that runs it in the caller's thread) would wait for a reply only that loop can read,
   * until the command timed out.
   */
  static StatefulRedisPubSubConnection<String, String> onChanges(RedisClient client, String prefix, Consumer<String> changed) {
    StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub();
    String channel = channel(prefix);
    Executor off = client.getResources().eventExecutorGroup();
    pubSub.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String from, String name) {
        if (channel.equals(from)) {
          off.execute(() -> changed.accept(name));
        }
      }
    });
    pubSub.sync().subscribe(channel);
    return pubSub;
  }
}
