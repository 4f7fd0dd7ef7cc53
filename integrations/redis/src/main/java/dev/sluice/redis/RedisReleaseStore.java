package dev.sluice.redis;

import dev.sluice.release.ReleaseStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.Objects;

/**
 * The release log on Redis, for a fleet: every replica applies the same releases in the same order
 * ({@link dev.sluice.Releases}), so a release published on one is served by all. The log is a list
 * {@code <prefix>{releases}}; a script appends an entry and announces it on {@code <prefix>changes}
 * in one step; each replica reads what it has not applied when told, and every second in case a
 * notice was lost. While Redis cannot be reached a publish fails with {@link StateUnavailableException}
 * (nothing changed) and replicas keep serving the releases they have.
 *
 * <pre>{@code
 * Sluice sluice = Sluice.builder()
 *     .releaseStore(RedisReleaseStore.builder(redis).keyPrefix("support-service:release:").build())
 *     ...
 * }</pre>
 *
 * <p>Thread-safe. Close it after the Sluice instances that use it.
 */
public final class RedisReleaseStore implements ReleaseStore, AutoCloseable {

  private static final String APPEND = """
      local n = redis.call('RPUSH', KEYS[1], ARGV[1])
      redis.call('PUBLISH', ARGV[2], 'releases')
      return n - 1
      """;

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final String prefix;

  private RedisReleaseStore(Builder b) {
    this.client = b.client;
    this.prefix = b.keyPrefix;
    this.connection = client.connect();
  }

  public static Builder builder(RedisClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  @Override
  public long append(String entry) {
    if (entry.length() > MAX_ENTRY_CHARS) {
      throw new IllegalArgumentException("a release log entry has at most " + MAX_ENTRY_CHARS + " characters; this one has " + entry.length());
    }
    try {
      Long index = connection.sync().eval(APPEND, ScriptOutputType.INTEGER, new String[] {key()}, entry, RedisKeys.channel(prefix));
      return Objects.requireNonNull(index, "index");
    } catch (RedisException e) {
      throw new StateUnavailableException("could not append to the release log on Redis (nothing was published): " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> read(long from, int max) {
    try {
      return connection.sync().lrange(key(), from, from + max - 1);
    } catch (RedisException e) {
      throw new StateUnavailableException("could not read the release log from Redis: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean shared() {
    return true;
  }

  /** Subscribes to the change channel on a connection of its own; closing it unsubscribes. */
  @Override
  public AutoCloseable watch(Runnable changed) {
    return RedisKeys.onChanges(client, prefix, name -> changed.run())::close;
  }

  @Override
  public void close() {
    connection.close();
  }

  private String key() {
    return RedisKeys.key(prefix, "releases");
  }

  /** Builds a {@link RedisReleaseStore}. */
  public static final class Builder {
    private final RedisClient client;
    private String keyPrefix = "sluice:release:";

    private Builder(RedisClient client) {
      this.client = client;
    }

    /** Prefix of the log's key and change channel; default {@code sluice:release:}. */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = RedisKeys.checkedPrefix(keyPrefix);
      return this;
    }

    public RedisReleaseStore build() {
      return new RedisReleaseStore(this);
    }
  }
}
