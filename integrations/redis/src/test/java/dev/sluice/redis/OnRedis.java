package dev.sluice.redis;

import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the Redis test classes share: one real server per class ({@link LocalRedis}) and a client
 * to it, a fresh key prefix per test, and the test's resources closed after it, last first.
 */
abstract class OnRedis {

  static LocalRedis redis;
  static RedisClient client;
  final List<AutoCloseable> closing = new ArrayList<>();
  String prefix;

  @BeforeAll
  static void startRedis() {
    redis = LocalRedis.start();
    client = redis.client();
  }

  @AfterAll
  static void stopRedis() {
    client.shutdown();
    redis.close();
  }

  @BeforeEach
  void freshPrefix() {
    prefix = getClass().getSimpleName() + "-" + System.nanoTime() + ":";
  }

  @AfterEach
  void closeResources() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  /** {@code resource}, closed after the test. */
  <T extends AutoCloseable> T closing(T resource) {
    closing.add(resource);
    return resource;
  }
}
