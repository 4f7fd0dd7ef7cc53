package dev.sluice.config;

import java.util.Optional;

/**
 * Objects the application already has that configured parts may use instead of making their own:
 * in Spring, its beans (the starter hands fleet mode the application's Lettuce {@code RedisClient},
 * so one client and one set of event-loop threads serve both).
 */
@FunctionalInterface
public interface ApplicationObjects {

  /** The application's one object of {@code type}, if it has exactly one. */
  <T> Optional<T> find(Class<T> type);

  /** None: every part makes its own. */
  static ApplicationObjects none() {
    return new ApplicationObjects() {
      @Override
      public <T> Optional<T> find(Class<T> type) {
        return Optional.empty();
      }
    };
  }
}
