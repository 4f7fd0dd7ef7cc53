package dev.sluice.redis;

import java.util.Objects;

/**
 * The keys fleet mode writes: {@code <prefix>{<name>}} (the braces a hash tag, so a name's keys share
 * a Redis Cluster slot) and a change channel {@code <prefix>changes}.
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
}
