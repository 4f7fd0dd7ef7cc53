package dev.sluice.redis;

import dev.sluice.judge.EvidenceExchange;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The judge's evidence pooled across a fleet, on Redis: each instance's judge adds its counts, sums
 * and histogram buckets for a rollout's window (a stage, or its cohort stratum or a segment of it) to
 * one hash, {@code <prefix>{<route>/<rollout>}:evidence:<window>} (the judge's
 * {@code Judge.evidenceScope} in place of the route)
 * (by {@code HINCRBYFLOAT}, in one script, asynchronously: the caller does not wait), about once a
 * second; the evaluating instance reads the hash. A stage's evidence expires a week after its last
 * addition. If Redis cannot be reached, the judge keeps what it could not add and adds it with the
 * next batch; an evaluation that cannot read the totals holds.
 *
 * <pre>{@code
 * Judge judge = new Judge(JudgeConfig.DEFAULTS, meters)
 *     .shareEvidence(RedisEvidenceExchange.builder(redis).keyPrefix("support-service:rollout:").build());
 * }</pre>
 *
 * <p>Thread-safe: one Lettuce connection serves every thread. Close it after the Sluice instance.
 */
public final class RedisEvidenceExchange implements EvidenceExchange, AutoCloseable {

  private static final String ADD = """
      for i = 2, #ARGV, 2 do
        redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1])
      end
      redis.call('PEXPIRE', KEYS[1], ARGV[1])
      return 1
      """;
  private static final long KEEP_MILLIS = Duration.ofDays(7).toMillis();

  private final StatefulRedisConnection<String, String> connection;
  private final String prefix;

  private RedisEvidenceExchange(Builder b) {
    this.prefix = b.keyPrefix;
    this.connection = b.client.connect();
  }

  public static Builder builder(RedisClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  @Override
  public CompletionStage<Void> add(String route, String stage, Map<String, Double> amounts) {
    List<String> args = new ArrayList<>(1 + 2 * amounts.size());
    args.add(Long.toString(KEEP_MILLIS));
    amounts.forEach((field, amount) -> {
      if (Double.isFinite(amount) && amount != 0) {
        args.add(field);
        args.add(Double.toString(amount));
      }
    });
    return connection.async().<Long>eval(ADD, ScriptOutputType.INTEGER, new String[] {key(route, stage)}, args.toArray(String[]::new))
        .thenApply(ok -> (Void) null);
  }

  @Override
  public Map<String, Double> totals(String route, String stage) {
    Map<String, String> stored;
    try {
      stored = connection.sync().hgetall(key(route, stage));
    } catch (RedisException e) {
      throw new StateUnavailableException("could not read the judge's evidence for route '" + route + "' from Redis: " + e.getMessage(), e);
    }
    Map<String, Double> totals = new HashMap<>(stored.size() * 2);
    stored.forEach((field, amount) -> totals.put(field, Double.parseDouble(amount)));
    return totals;
  }

  private String key(String route, String stage) {
    return RedisKeys.key(prefix, route) + ":evidence:" + stage;
  }

  @Override
  public void close() {
    connection.close();
  }

  @Override
  public String toString() {
    return "RedisEvidenceExchange[prefix=" + prefix + "]";
  }

  /** Builds a {@link RedisEvidenceExchange}. */
  public static final class Builder {
    private final RedisClient client;
    private String keyPrefix = "sluice:rollout:";

    private Builder(RedisClient client) {
      this.client = client;
    }

    /** Prepended to every key (default {@code sluice:rollout:}, the rollout state's: the evidence sits beside it). */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = RedisKeys.checkedPrefix(keyPrefix);
      return this;
    }

    /** Opens its connection to Redis. */
    public RedisEvidenceExchange build() {
      return new RedisEvidenceExchange(this);
    }
  }
}
