package dev.sluice.rollout;

import java.util.concurrent.ConcurrentHashMap;

/** Toggles held in this process; the default {@link ToggleSource}. Thread-safe. */
public final class InMemoryToggleSource implements ToggleSource {

  private final ConcurrentHashMap<String, Toggles> byRoute = new ConcurrentHashMap<>();

  @Override
  public Toggles get(String route) {
    return byRoute.getOrDefault(route, Toggles.NONE);
  }

  @Override
  public void set(String route, Toggles toggles) {
    byRoute.put(route, toggles);
  }
}
