package dev.sluice.audit;

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

  /** The default: each event as one JSON line at INFO on the logger {@code sluice.audit}. */
  static AuditSink slf4j() {
    Logger log = LoggerFactory.getLogger("sluice.audit");
    return event -> {
      if (log.isInfoEnabled()) {
        log.info(event.toJson());
      }
    };
  }
}
