/**
 * Sluice core: the call pipeline, routes and variants, rollouts and the judge, budgets, the
 * guardrail and fallback SPIs, the OpenAI-compatible and simulated clients. Every package but
 * {@code dev.sluice.internal} and its subpackages is API.
 */
module dev.sluice.core {
  requires transitive org.jspecify;
  requires transitive micrometer.core;
  requires transitive micrometer.observation;
  requires micrometer.commons;
  requires transitive com.fasterxml.jackson.databind;
  requires transitive io.github.resilience4j.circuitbreaker;
  requires io.github.resilience4j.core;
  requires io.github.resilience4j.retry;
  requires io.github.resilience4j.bulkhead;
  requires io.github.resilience4j.ratelimiter;
  requires io.github.resilience4j.micrometer;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires com.networknt.schema;
  requires jtokkit;
  requires org.slf4j;
  requires transitive java.net.http;

  exports dev.sluice;
  exports dev.sluice.annotation;
  exports dev.sluice.audit;
  exports dev.sluice.budget;
  exports dev.sluice.config;
  exports dev.sluice.guardrail;
  exports dev.sluice.judge;
  exports dev.sluice.model;
  exports dev.sluice.openai;
  exports dev.sluice.outcome;
  exports dev.sluice.pipeline;
  exports dev.sluice.pricing;
  exports dev.sluice.release;
  exports dev.sluice.resilience;
  exports dev.sluice.rollout;
  exports dev.sluice.simulated;
  exports dev.sluice.subject;
  exports dev.sluice.time;
  exports dev.sluice.tokens;

  // Audit events are written by Jackson's data binding.
  opens dev.sluice.audit to com.fasterxml.jackson.databind;

  uses dev.sluice.config.FallbackLinkProvider;
  uses dev.sluice.config.FleetProvider;
}
