package dev.sluice.audit;

import dev.sluice.rollout.RolloutEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where audit events go: one per call, on the thread that finished the call. A sink must be fast
 * and thread-safe; one that throws is logged at WARN with the event, and the call is unaffected.
 *
 * <pre>{@code
 * List<AuditEvent> events = new CopyOnWriteArrayList<>();
 * Sluice sluice = Sluice.builder().auditSink(events::add)...build();
 * }</pre>
 */
@FunctionalInterface
public interface AuditSink {

  void accept(AuditEvent event);

  /**
   * A change to a rollout — an operator's action (kill, pin, percent, pause, advance, forced
   * advance, rollback) or the judge's decision — with who, why and the plan's owner. The default
   * ignores it; the SLF4J and JSON Lines sinks write it as a line with {@code "event": "rollout"}.
   */
  default void acceptRollout(RolloutEvent event) {}

  /**
   * A change to a route's releases (published, promoted, rolled back, rolled back to, refused) with
   * who, when, why and the release's fingerprint. The default ignores it; the SLF4J and JSON Lines
   * sinks write it as a line with {@code "event": "release"}.
   */
  default void acceptRelease(dev.sluice.release.ReleaseEvent event) {}

  /** The default: each event as one JSON line at INFO on the logger {@code sluice.audit}. */
  static AuditSink slf4j() {
    Logger log = LoggerFactory.getLogger("sluice.audit");
    return new AuditSink() {
      @Override
      public void accept(AuditEvent event) {
        if (log.isInfoEnabled()) {
          log.info(event.toJson());
        }
      }

      @Override
      public void acceptRollout(RolloutEvent event) {
        log.info(event.toJson());
      }

      @Override
      public void acceptRelease(dev.sluice.release.ReleaseEvent event) {
        log.info(event.toJson());
      }
    };
  }
}
