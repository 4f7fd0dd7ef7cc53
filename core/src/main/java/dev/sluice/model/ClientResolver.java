package dev.sluice.model;

import dev.sluice.outcome.InvalidConfigurationException;
import java.util.Map;

/**
 * Finds the application's own model clients for variants configured with {@code client: {ref:
 * name}} (in Spring, beans by name).
 */
@FunctionalInterface
public interface ClientResolver {

  /** The client called {@code name}; throws {@link InvalidConfigurationException} if there is none. */
  ModelClient client(String name);

  /** No application clients: every {@code ref} fails. */
  static ClientResolver none() {
    return of(Map.of());
  }

  /** Clients by name. */
  static ClientResolver of(Map<String, ModelClient> clients) {
    Map<String, ModelClient> copy = Map.copyOf(clients);
    return name -> {
      ModelClient c = copy.get(name);
      if (c == null) {
        throw new InvalidConfigurationException("client.ref", name, "one of the application's clients " + new java.util.TreeSet<>(copy.keySet()));
      }
      return c;
    };
  }
}
