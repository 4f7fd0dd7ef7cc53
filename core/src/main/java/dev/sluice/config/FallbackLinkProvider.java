package dev.sluice.config;

import dev.sluice.FallbackLink;

/**
 * Makes fallback links of one kind from a route's {@code fallback} section in a configuration file,
 * found with {@link java.util.ServiceLoader}. The {@code sluice-fallback} module provides {@code
 * fixed}, {@code cache}, {@code backup_variant} and {@code rethrow}; an application can add its own
 * kinds the same way.
 *
 * <pre>{@code
 * fallback:
 *   - {kind: backup_variant, variant: small, on: [timeout, circuit_open]}   # small: one of the route's variants
 *   - {kind: cache, maximum_size: 10000, expire_after_write: 1h}
 *   - {kind: fixed, text: "We cannot answer right now; support@example.com will."}
 * }</pre>
 */
public interface FallbackLinkProvider {

  /** The {@code kind} this provider makes, e.g. {@code fixed}. */
  String kind();

  /** Makes the link; throws {@link dev.sluice.outcome.InvalidConfigurationException} naming the field for bad input. */
  FallbackLink create(FallbackLinkSpec spec);
}
