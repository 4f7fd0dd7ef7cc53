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
 * {@code fleet: {kind: redis}} in a configuration file: the ledger, rollout state, toggles, judge
 * evidence and release log on one Redis, through a Lettuce client of its own (closed with the Sluice instance), or,
 * when the file names no URI, the application's own {@code RedisClient} (the Spring starter finds it:
 * a {@code RedisClient} bean, or the one inside Spring Data Redis's {@code LettuceConnectionFactory};
 * the application keeps it and closes it).
 *
 * <pre>{@code
 * fleet:
 *   kind: redis
 *   uri_env: SLUICE_REDIS_URI            # redis://, or rediss:// for TLS; a password only here, in the environment
 *                                        # (neither uri_env nor uri: the application's RedisClient)
 *   key_prefix: "support-service:"       # default sluice:
 *   lease: 10m                           # budget reservations' lease (default 10m)
 *   budget_slice: 0.01                   # leased mode for every cap, slices of 1% of its limit (default: exact mode)
 *   fail_open_up_to: 0.02                # Redis down: each pod grants up to 2% of a cap's limit (default 0: fail closed)
 *   share: [budgets, rollouts, toggles]  # default: all three (rollouts include the release log)
 * }</pre>
 *
 * <p>{@code uri: redis://127.0.0.1:6379} may stand in the file instead, without a password: a URI
 * with one is refused there (a file is read and printed by more people than an environment).
 * Neither URI is ever put in a message or a log. On a client of its own, commands fail at once while
 * the connection is down (they are not queued to run after a reconnect), so that a reservation fails
 * closed; on the application's client its options hold (Lettuce's default queues commands while
 * reconnecting, so a reservation waits up to the client's command timeout before failing closed).
 */
public final class RedisFleetProvider implements FleetProvider {

  @Override
  public String kind() {
    return "redis";
  }

  @Override
  public Fleet create(FleetSpec spec) {
    spec.onlyFields("uri", "uri_env", "key_prefix", "lease", "budget_slice", "fail_open_up_to");
    if (spec.has("uri") && spec.has("uri_env")) {
      throw new InvalidConfigurationException("fleet.uri_env", "give the Redis URI in one of uri_env (an environment variable's "
          + "name) and uri (without a password), not both");
    }
    RedisClient application = null;
    RedisURI uri = null;
    if (spec.has("uri") || spec.has("uri_env")) {
      uri = uri(spec);
    } else {
      application = spec.applicationObject(RedisClient.class).orElseThrow(() -> new InvalidConfigurationException("fleet.uri_env",
          "give the Redis URI in uri_env (an environment variable's name) or uri (without a password); no application RedisClient "
              + "was found to use instead"));
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

    RedisClient client = application;
    if (client == null) {
      client = RedisClient.create(uri);
      client.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    }
    boolean ownsClient = application == null;
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      RedisBudgetLedger ledger = null;
      RedisRolloutStateStore state = null;
      RedisEvidenceExchange evidence = null;
      RedisToggleSource toggles = null;
      RedisReleaseStore releases = null;
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
        // Releases travel with rollouts: a release published on one pod rolls out on all.
        releases = RedisReleaseStore.builder(client).keyPrefix(prefix + "release:").build();
        resources.add(releases);
      }
      if (share.contains(FleetSpec.Part.TOGGLES)) {
        toggles = RedisToggleSource.builder(client).keyPrefix(prefix + "toggles:").build();
        resources.add(toggles);
      }
      if (ownsClient) {
        resources.add(client::shutdown);
      }
      return new Fleet(ledger, state, toggles, evidence, releases, resources);
    } catch (RedisException e) {
      resources.forEach(RedisFleetProvider::closeQuietly);
      if (ownsClient) {
        client.shutdown();
      }
      throw new StateUnavailableException("fleet mode could not connect to Redis (" + e.getClass().getSimpleName() + "); "
          + "the instance does not start without the fleet's shared state", e);
    }
  }

  /** The URI from {@code uri} (no credentials) or the environment variable {@code uri_env} names; never printed. */
  private static RedisURI uri(FleetSpec spec) {
    boolean fromFile = spec.has("uri");
    String text = fromFile ? spec.text("uri") : spec.secretFromEnvironment("uri_env");
    try {
      if (fromFile && java.net.URI.create(text).getRawUserInfo() != null) {
        throw new InvalidConfigurationException("fleet.uri", "a URI with credentials belongs in the environment: use uri_env");
      }
      return RedisURI.create(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(fromFile ? "fleet.uri" : "fleet.uri_env", "not a Redis URI (redis://host:port or rediss://...)");
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
