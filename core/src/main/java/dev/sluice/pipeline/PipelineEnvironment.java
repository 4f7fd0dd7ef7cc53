package dev.sluice.pipeline;

import dev.sluice.audit.AuditSink;
import dev.sluice.pricing.PriceTable;
import dev.sluice.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;

/**
 * What the steps of every route share: time, meters, prices and the audit sink.
 *
 * @param time the clock, ticker and scheduler
 * @param meters where meters are registered
 * @param prices model prices for cost
 * @param audit where audit events go
 * @param includeTextInAudit whether audit events carry prompt and completion text
 * @param listeners told of every finished call
 * @param executor where work that leaves the caller's thread runs: retries after their backoff,
 *     attempts whose timeout fired and what follows them, large asynchronous calls; never the
 *     timer's thread
 * @param observations where the call's and each model request's observations go (spans, through a
 *     tracing bridge); {@link ObservationRegistry#NOOP} for none
 */
public record PipelineEnvironment(
    TimeSource time, MeterRegistry meters, PriceTable prices, AuditSink audit, boolean includeTextInAudit,
    java.util.List<CallListener> listeners, java.util.concurrent.Executor executor, ObservationRegistry observations) {

  /** An environment with no observations. */
  public PipelineEnvironment(TimeSource time, MeterRegistry meters, PriceTable prices, AuditSink audit, boolean includeTextInAudit,
      java.util.List<CallListener> listeners, java.util.concurrent.Executor executor) {
    this(time, meters, prices, audit, includeTextInAudit, listeners, executor, ObservationRegistry.NOOP);
  }

  public PipelineEnvironment {
    listeners = java.util.List.copyOf(listeners);
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(prices, "prices");
    Objects.requireNonNull(audit, "audit");
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(observations, "observations");
  }
}
