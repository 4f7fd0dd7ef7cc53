package dev.sluice.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.rollout.RolloutState;
import dev.sluice.rollout.RolloutStateStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Rollout state shared by every replica, on Redis: one instance's stage change, pause or rollback
 * holds for all of them, exactly once, and survives a restart of every pod.
 *
 * <p>Each route's state is a hash {@code <prefix>{<route>}} with a version and the state as JSON.
 * A change is saved by a script only if the version is still the one the instance read
 * ({@link #saveIfVersion}: compare-and-set), and announced on the channel {@code <prefix>changes};
 * every instance reloads the route when told, and Sluice also reloads every second in case a notice
 * was lost (pub/sub does not queue for a disconnected subscriber). While Redis cannot be reached,
 * an instance keeps the state it last read and changes nothing: a save throws
 * {@link StateUnavailableException} and the operation (advance, rollback, pause) fails with it, so
 * no instance advances on a state it cannot write; the scheduled reload logs and tries again.
 *
 * <p>One instance at a time evaluates a route's rollout ({@link #lead}): it holds a lease,
 * {@code <prefix>{<route>}:evaluator} (its id, expiring after {@link Builder#evaluatorLease}, renewed
 * at each evaluation). An instance that takes the lease saves the state again, raising its version,
 * so a verdict the previous holder reached on the older version is refused when it tries to apply it
 * (a holder that paused past its lease cannot act on it: fencing by version).
 *
 * <pre>{@code
 * Sluice sluice = Sluice.builder()
 *     .rolloutStateStore(RedisRolloutStateStore.builder(redis).keyPrefix("support-service:rollout:").build())
 *     ...
 * }</pre>
 *
 * <p>Thread-safe. Close it after the Sluice instances that use it.
 */
public final class RedisRolloutStateStore implements RolloutStateStore, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAVE_IF_VERSION = """
      local v = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
      if ARGV[1] ~= '*' and v ~= tonumber(ARGV[1]) then
        return -1
      end
      redis.call('HSET', KEYS[1], 'version', v + 1, 'state', ARGV[2])
      redis.call('PUBLISH', ARGV[3], ARGV[4])
      return v + 1
      """;
  private static final String LEAD = """
      local holder = redis.call('GET', KEYS[1])
      if holder == ARGV[1] then
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
      end
      if holder then
        return 0
      end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      return 2
      """;

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final String prefix;
  private final String instance = java.util.UUID.randomUUID().toString();
  private final long leaseMillis;

  private RedisRolloutStateStore(Builder b) {
    this.client = b.client;
    this.prefix = b.keyPrefix;
    this.leaseMillis = b.evaluatorLease.toMillis();
    this.connection = client.connect();
  }

  public static Builder builder(RedisClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  @Override
  public Optional<RolloutState> load(String route) {
    return loadVersioned(route).map(Versioned::state);
  }

  @Override
  public void save(String route, RolloutState state) {
    write(route, "*", state);
  }

  @Override
  public Optional<Versioned> loadVersioned(String route) {
    List<io.lettuce.core.KeyValue<String, String>> fields;
    try {
      fields = connection.sync().hmget(key(route), "version", "state");
    } catch (RedisException e) {
      throw new StateUnavailableException("could not read the rollout state of route '" + route + "' from Redis: " + e.getMessage(), e);
    }
    if (!fields.get(0).hasValue() || !fields.get(1).hasValue()) {
      return Optional.empty();
    }
    return Optional.of(new Versioned(fromJson(route, fields.get(1).getValue()), Long.parseLong(fields.get(0).getValue())));
  }

  @Override
  public OptionalLong saveIfVersion(String route, long expected, RolloutState state) {
    long version = write(route, Long.toString(expected), state);
    return version < 0 ? OptionalLong.empty() : OptionalLong.of(version);
  }

  private long write(String route, String expected, RolloutState state) {
    try {
      Long version = connection.sync().eval(SAVE_IF_VERSION, ScriptOutputType.INTEGER, new String[] {key(route)}, expected,
          toJson(state), channel(), route);
      return Objects.requireNonNull(version, "version");
    } catch (RedisException e) {
      throw new StateUnavailableException("could not save the rollout state of route '" + route + "' to Redis (nothing changed): "
          + e.getMessage(), e);
    }
  }

  /** Takes or renews this instance's lease as the route's evaluator; throws {@link StateUnavailableException} if Redis cannot be reached. */
  @Override
  public Lead lead(String route) {
    Long held;
    try {
      held = connection.sync().eval(LEAD, ScriptOutputType.INTEGER, new String[] {key(route) + ":evaluator"}, instance,
          Long.toString(leaseMillis));
    } catch (RedisException e) {
      throw new StateUnavailableException("could not take the evaluation lease of route '" + route + "' on Redis: " + e.getMessage(), e);
    }
    long h = Objects.requireNonNull(held, "lease");
    return h == 1 ? Lead.LEADER : h == 2 ? Lead.NEW_TERM : Lead.FOLLOWER;
  }

  @Override
  public boolean shared() {
    return true;
  }

  /** Subscribes to the change channel on a connection of its own; closing it unsubscribes. */
  @Override
  public AutoCloseable watch(Consumer<String> changed) {
    return RedisKeys.onChanges(client, prefix, changed)::close;
  }

  @Override
  public void close() {
    connection.close();
  }

  private String key(String route) {
    return RedisKeys.key(prefix, route);
  }

  private String channel() {
    return RedisKeys.channel(prefix);
  }

  private static String toJson(RolloutState s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("stageIndex", s.stageIndex());
    n.put("enteredAt", s.enteredAt().toString());
    n.put("paused", s.paused());
    n.put("rolledBack", s.rolledBack());
    n.put("reason", s.reason());
    n.put("gatePassed", s.gatePassed());
    return n.toString();
  }

  private static RolloutState fromJson(String route, String json) {
    try {
      JsonNode n = JSON.readTree(json);
      return new RolloutState(n.required("stageIndex").asInt(), Instant.parse(n.required("enteredAt").asText()),
          n.required("paused").asBoolean(), n.required("rolledBack").asBoolean(), n.required("reason").asText(),
          n.required("gatePassed").asBoolean());
    } catch (Exception e) {
      throw new StateUnavailableException("the rollout state of route '" + route + "' in Redis is not readable: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "RedisRolloutStateStore[prefix=" + prefix + "]";
  }

  /** Builds a {@link RedisRolloutStateStore}. */
  public static final class Builder {
    private final RedisClient client;
    private String keyPrefix = "sluice:rollout:";
    private java.time.Duration evaluatorLease = java.time.Duration.ofSeconds(30);

    private Builder(RedisClient client) {
      this.client = client;
    }

    /**
     * How long an instance stays the route's evaluator without renewing (default 30 seconds): longer
     * than the interval between evaluations (Sluice's default 10 seconds), so the evaluator keeps it;
     * when it dies, another instance takes over within this time plus one interval.
     */
    public Builder evaluatorLease(java.time.Duration lease) {
      if (lease.isNegative() || lease.toMillis() < 1) {
        throw new IllegalArgumentException("evaluatorLease must be at least a millisecond, got " + lease);
      }
      this.evaluatorLease = lease;
      return this;
    }

    /** Prepended to every key and to the change channel (default {@code sluice:rollout:}). */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = RedisKeys.checkedPrefix(keyPrefix);
      return this;
    }

    /** Opens its connection to Redis. */
    public RedisRolloutStateStore build() {
      return new RedisRolloutStateStore(this);
    }
  }
}
