package dev.sluice.rollout;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps rollout state across restarts. The default keeps it in memory; an application that wants
 * a restarted instance to resume implements this over its database or Redis.
 */
public interface RolloutStateStore {

  Optional<RolloutState> load(String route);

  void save(String route, RolloutState state);

  /** State in this process only. */
  static RolloutStateStore inMemory() {
    ConcurrentHashMap<String, RolloutState> map = new ConcurrentHashMap<>();
    return new RolloutStateStore() {
      @Override
      public Optional<RolloutState> load(String route) {
        return Optional.ofNullable(map.get(route));
      }

      @Override
      public void save(String route, RolloutState state) {
        map.put(route, state);
      }
    };
  }
}
