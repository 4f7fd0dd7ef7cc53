package dev.sluice.config;

/**
 * Makes the parts of fleet mode (state every replica shares) from the configuration file's
 * {@code fleet} section, found with {@link java.util.ServiceLoader}. {@code sluice-redis} provides
 * {@code kind: redis}.
 *
 * <pre>{@code
 * fleet:
 *   kind: redis
 *   uri_env: SLUICE_REDIS_URI          # the URI (with any password, rediss:// for TLS) from the environment
 *   key_prefix: "support-service:"
 *   share: [budgets, rollouts, toggles] # the default: all three
 * }</pre>
 */
public interface FleetProvider {

  /** The {@code kind} this provider makes, e.g. {@code redis}. */
  String kind();

  /** Makes the fleet's parts; throws {@link dev.sluice.outcome.InvalidConfigurationException} naming the field for bad input. */
  Fleet create(FleetSpec spec);
}
