/**
 * Sluice for Spring Boot: the auto-configuration, the {@code @LlmRoute} bean post-processor and
 * the {@code sluice} actuator endpoint. Spring reads the configuration and advice classes
 * reflectively, so their packages are open to it.
 */
module dev.sluice.spring {
  requires transitive dev.sluice.core;
  requires spring.aop;
  requires transitive spring.beans;
  requires transitive spring.context;
  requires transitive spring.core;
  requires spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires transitive spring.boot.actuator;
  requires transitive spring.boot.actuator.autoconfigure;
  requires static reactor.core;
  requires static dev.sluice.springai;
  requires static spring.ai.model;
  requires static org.reactivestreams;
  requires static spring.data.redis;
  requires static lettuce.core;

  exports dev.sluice.spring;

  opens dev.sluice.spring to spring.core, spring.beans, spring.context;
  opens dev.sluice.spring.internal to spring.core, spring.beans, spring.context, spring.aop;
}
