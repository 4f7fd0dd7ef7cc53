package dev.sluice.redis;

import dev.sluice.config.Fleet;
import dev.sluice.config.FleetProvider;
import dev.sluice.config.FleetSpec;
import dev.sluice.outcome.InvalidConfigurationException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code fleet: {kind: redis}} in a configuration file: the ledger, rollout state and toggles on one
 * Redis, through a Lettuce client of its own (closed with the Sluice instance).
 *
 * <pre>{@code
 * fleet:
 *   kind: redis
 *   uri_env: SLUICE_REDIS_URI            # redis://, or rediss:// for TLS; a password only here, in the environment
 *   key_prefix: "support-service:"       # default sluice:
 *   lease: 10m                           # budget reservations' lease (default 10m)
 *   budget_slice: 0.01                   # leased mode for every cap, slices of 1% of its limit (default: exact mode)
 *   fail_open_up_to: 0.02                # Redis down: each pod grants up to 2% of a cap's limit (default 0: fail closed)
 *   share: [budgets, rollouts, toggles]  # default: all three
 * }</pre>
 *
 * <p>{@code uri: redis://127.0.0.1:6379} may stand in the file instead, without a password: a URI
 * with one is refused there (a file is read and printed by more people than an environment).
 * Neither URI is ever put in a message or a log. Commands fail at once while the connection is
 * down (they are not queued to run after a reconnect), so that a reservation fails closed.
 */
public final class RedisFleetProvider implements FleetProvider {

  @Override
  public String kind() {
    return "redis";
  }

  @Override
  public Fleet create(FleetSpec spec) {
    spec.onlyFields("uri", "uri_env", "key_prefix", "lease", "budget_slice", "fail_open_up_to");
    if (spec.has("uri") == spec.has("uri_env")) {
      throw new InvalidConfigurationException("fleet.uri_env", "give the Redis URI in exactly one of uri_env (an environment variable's "
          + "name) and uri (without a password)");
    }
    boolean fromFile = spec.has("uri");
    String text = fromFile ? spec.text("uri") : spec.secretFromEnvironment("uri_env");
    RedisURI uri;
    try {
      if (fromFile && java.net.URI.create(text).getRawUserInfo() != null) {
        throw new InvalidConfigurationException("fleet.uri", "a URI with credentials belongs in the environment: use uri_env");
      }
      uri = RedisURI.create(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(fromFile ? "fleet.uri" : "fleet.uri_env", "not a Redis URI (redis://host:port or rediss://...)");
    }
    String prefix = spec.textOrNull("key_prefix");
    prefix = prefix == null ? "sluice:" : prefix;
    Duration lease = spec.duration("lease", Duration.ofMinutes(10));
    Set<FleetSpec.Part> share = spec.share();
    double failOpen = spec.number("fail_open_up_to", 0);
    if (!(failOpen >= 0 && failOpen <= 1)) {
      throw new InvalidConfigurationException("fleet.fail_open_up_to", failOpen, "a fraction of a cap's limit from 0 (fail closed) to 1");
    }
    double slice = spec.number("budget_slice", Double.NaN);
    if (spec.has("budget_slice") && !(slice > 0 && slice <= 0.5)) {
      throw new InvalidConfigurationException("fleet.budget_slice", slice, "a fraction of a cap's limit above 0 and at most 0.5, e.g. 0.01");
    }

    RedisClient client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      RedisBudgetLedger ledger = null;
      RedisRolloutStateStore state = null;
      RedisEvidenceExchange evidence = null;
      RedisToggleSource toggles = null;
      if (share.contains(FleetSpec.Part.BUDGETS)) {
        RedisBudgetLedger.Builder budgets = RedisBudgetLedger.builder(client).keyPrefix(prefix + "budget:").leaseTime(lease)
            .timeSource(spec.time()).failOpenUpTo(failOpen);
        ledger = (Double.isNaN(slice) ? budgets : budgets.leasedByDefault(slice)).build();
        resources.add(ledger);
      }
      if (share.contains(FleetSpec.Part.ROLLOUTS)) {
        state = RedisRolloutStateStore.builder(client).keyPrefix(prefix + "rollout:").build();
        resources.add(state);
        evidence = RedisEvidenceExchange.builder(client).keyPrefix(prefix + "rollout:").build();
        resources.add(evidence);
      }
      if (share.contains(FleetSpec.Part.TOGGLES)) {
        toggles = RedisToggleSource.builder(client).keyPrefix(prefix + "toggles:").build();
        resources.add(toggles);
      }
      resources.add(client::shutdown);
      return new Fleet(ledger, state, toggles, evidence, resources);
    } catch (RedisException e) {
      resources.forEach(RedisFleetProvider::closeQuietly);
      client.shutdown();
      throw new StateUnavailableException("fleet mode could not connect to Redis (" + e.getClass().getSimpleName() + "); "
          + "the instance does not start without the fleet's shared state", e);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing what was opened before the failure; the failure is what is reported
    }
  }
}
