package dev.sluice.rollout;

import dev.sluice.subject.Subject;

import dev.sluice.RolloutControl;

/**
 * Where a route's toggles live. The in-memory default holds what the application set through
 * {@link RolloutControl}; an implementation backed by a flag service (OpenFeature, LaunchDarkly)
 * lets that service drive them. {@link #get} is on every call's path: it must not do I/O.
 */
public interface ToggleSource {

  /** The route's toggles now; {@link Toggles#NONE} if none were set. */
  Toggles get(String route);

  /**
   * The route's toggles for a call of this subject: a flag service may target a tenant, region or
   * user. The default ignores the subject. Called on every call: no I/O.
   */
  default Toggles get(String route, Subject subject) {
    return get(route);
  }

  /**
   * Whether something outside the process (a flag service) holds the route's rollout: while it does,
   * the judge neither promotes nor rolls back, as with {@code RolloutControl.pause}, which is the
   * local switch and is kept in the rollout's state. Called when the rollout is evaluated, not per
   * call. The default: never.
   */
  default boolean paused(String route) {
    return false;
  }

  /** Sets the route's toggles. */
  void set(String route, Toggles toggles);
}
