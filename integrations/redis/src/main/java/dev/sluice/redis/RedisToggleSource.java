package dev.sluice.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.rollout.ToggleSource;
import dev.sluice.rollout.Toggles;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Toggles (kill switch, pin, percent) shared by every replica, on Redis: a kill on one pod is a kill
 * on all. {@link #get} is on every call's path and reads a local copy; a {@link #set} writes Redis
 * and announces the route on {@code <prefix>changes}, on which every instance reloads it; every
 * {@link Builder#reloadEvery} (default 1 s) each instance also reloads the routes it knows, in case
 * a notice was lost. A route is read from Redis once, on its first use; Redis unreachable then
 * means no toggles (logged) until the next reload succeeds. Reloads run on Lettuce's own threads.
 *
 * <p>Thread-safe. {@link #close()} stops the reloads and closes its connections.
 */
public final class RedisToggleSource implements ToggleSource, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisToggleSource.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SET = """
      redis.call('SET', KEYS[1], ARGV[1])
      redis.call('PUBLISH', ARGV[2], ARGV[3])
      return 1
      """;

  private final StatefulRedisConnection<String, String> connection;
  private final StatefulRedisPubSubConnection<String, String> pubSub;
  private final String prefix;
  private final Map<String, Toggles> local = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> reloads;

  private RedisToggleSource(Builder b) {
    this.prefix = b.keyPrefix;
    this.connection = b.client.connect();
    this.pubSub = RedisKeys.onChanges(b.client, prefix, route -> {
      if (local.containsKey(route)) {
        reload(route);
      }
    });
    long every = b.reloadEvery.toMillis();
    this.reloads = b.client.getResources().eventExecutorGroup()
        .scheduleAtFixedRate(() -> local.keySet().forEach(this::reload), every, every, TimeUnit.MILLISECONDS);
  }

  public static Builder builder(RedisClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  @Override
  public Toggles get(String route) {
    Toggles t = local.get(route);
    return t != null ? t : firstRead(route);
  }

  /** The route's first use on this instance: read once, synchronously; later reads are local. */
  private Toggles firstRead(String route) {
    Toggles t;
    try {
      t = parse(route, connection.sync().get(key(route)));
    } catch (RedisException e) {
      log.warn("route {}: could not read its toggles from Redis; none until the next reload", route, e);
      t = Toggles.NONE;
    }
    Toggles raced = local.putIfAbsent(route, t);
    return raced != null ? raced : t;
  }

  @Override
  public void set(String route, Toggles toggles) {
    try {
      connection.sync().eval(SET, ScriptOutputType.INTEGER, new String[] {key(route)}, toJson(toggles), channel(), route);
    } catch (RedisException e) {
      throw new StateUnavailableException("could not save the toggles of route '" + route + "' to Redis (nothing changed): "
          + e.getMessage(), e);
    }
    local.put(route, toggles);
  }

  private void reload(String route) {
    connection.async().get(key(route)).whenComplete((json, failure) -> {
      if (failure != null) {
        log.debug("route {}: toggles not reloaded from Redis ({}); keeping the last read", route, failure.toString());
      } else {
        local.put(route, parse(route, json));
      }
    });
  }

  @Override
  public void close() {
    reloads.cancel(false);
    pubSub.close();
    connection.close();
  }

  private String key(String route) {
    return RedisKeys.key(prefix, route);
  }

  private String channel() {
    return RedisKeys.channel(prefix);
  }

  private static String toJson(Toggles t) {
    ObjectNode n = JSON.createObjectNode();
    n.put("killed", t.killed());
    n.put("killToFallback", t.killToFallback());
    if (t.pinned() != null) {
      n.put("pinned", t.pinned());
    }
    if (t.percentOverride() != null) {
      n.put("percent", t.percentOverride());
    }
    return n.toString();
  }

  private static Toggles parse(String route, @Nullable String json) {
    if (json == null) {
      return Toggles.NONE;
    }
    try {
      JsonNode n = JSON.readTree(json);
      return new Toggles(n.path("killed").asBoolean(), n.path("killToFallback").asBoolean(),
          n.hasNonNull("pinned") ? n.get("pinned").asText() : null, n.hasNonNull("percent") ? n.get("percent").asDouble() : null);
    } catch (Exception e) {
      log.warn("route {}: its toggles in Redis are not readable; none", route, e);
      return Toggles.NONE;
    }
  }

  @Override
  public String toString() {
    return "RedisToggleSource[prefix=" + prefix + "]";
  }

  /** Builds a {@link RedisToggleSource}. */
  public static final class Builder {
    private final RedisClient client;
    private String keyPrefix = "sluice:toggles:";
    private Duration reloadEvery = Duration.ofSeconds(1);

    private Builder(RedisClient client) {
      this.client = client;
    }

    /** Prepended to every key and to the change channel (default {@code sluice:toggles:}). */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = RedisKeys.checkedPrefix(keyPrefix);
      return this;
    }

    /** How often known routes are reloaded in case a notice was lost (default 1 s). */
    public Builder reloadEvery(Duration every) {
      if (every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("reloadEvery must be positive, got " + every);
      }
      this.reloadEvery = every;
      return this;
    }

    /** Opens its connections and subscribes to the change channel. */
    public RedisToggleSource build() {
      return new RedisToggleSource(this);
    }
  }
}
