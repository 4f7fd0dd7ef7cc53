package dev.sluice.rollout;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Keeps rollout state across restarts, and, when {@link #shared()}, across the replicas of a
 * service. The default keeps it in memory; an application that wants a restarted instance to resume
 * implements {@link #load} and {@link #save} over its database. A store shared by several instances
 * (fleet mode: {@code sluice-redis}) also versions each route's state, so that a stage change or a
 * rollback is applied exactly once fleet-wide ({@link #saveIfVersion}), and tells the instances of
 * changes ({@link #watch}); each instance also reloads on a schedule, in case a notice is lost.
 */
public interface RolloutStateStore {

  Optional<RolloutState> load(String route);

  void save(String route, RolloutState state);

  /**
   * A route's state and the version it is stored under.
   *
   * @param state the state
   * @param version a number the store raises on every change (1 after the first save)
   */
  record Versioned(RolloutState state, long version) {}

  /** The state with its version. The default (a store that keeps no versions): version 0. */
  default Optional<Versioned> loadVersioned(String route) {
    return load(route).map(s -> new Versioned(s, 0));
  }

  /**
   * Saves {@code state} only if the route's stored version is still {@code expected} (0: nothing
   * stored yet), returning the new version; empty when another instance changed it first, and the
   * caller reloads and decides again. The default, for a store private to one instance (changed
   * only under its rollout's lock), always saves.
   */
  default OptionalLong saveIfVersion(String route, long expected, RolloutState state) {
    save(route, state);
    return OptionalLong.of(expected + 1);
  }

  /** What {@link #lead} says: whether this instance evaluates a route's rollout now. */
  enum Lead {
    /** Another instance holds the evaluation lease: this one does not evaluate. */
    FOLLOWER,
    /** This instance holds it (and has renewed it). */
    LEADER,
    /** This instance has just taken it: a new term, which the caller opens by saving the state again. */
    NEW_TERM
  }

  /**
   * Takes or renews the lease that lets one instance of a fleet at a time evaluate {@code route}'s
   * rollout (judge it, advance it, roll it back on evidence); people and the API act from any
   * instance. The default, for a store no one else shares: always {@link Lead#LEADER}.
   */
  default Lead lead(String route) {
    return Lead.LEADER;
  }

  /** Whether other instances share this store: then each instance follows their changes. Default: no. */
  default boolean shared() {
    return false;
  }

  /**
   * Tells {@code changed} a route's name when its state changed (on any instance); closing the
   * returned handle stops it. Called from the store's own thread: {@code changed} must not block.
   * The default, for a store no one else changes: never.
   */
  default AutoCloseable watch(Consumer<String> changed) {
    return () -> { };
  }

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
