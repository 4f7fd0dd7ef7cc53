package dev.sluice.spring;

import dev.sluice.Sluice;

/**
 * Adjusts the auto-configured {@code Sluice} before it is built: audit sink, time source, judge,
 * rollout state store, toggle source, extra steps. Every bean of this type is applied, in order.
 *
 * <pre>{@code
 * @Bean SluiceBuilderCustomizer audit(KafkaAuditSink sink) {
 *   return builder -> builder.auditSink(sink);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface SluiceBuilderCustomizer {

  void customize(Sluice.Builder builder);
}
