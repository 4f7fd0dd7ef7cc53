/**
 * Spring Boot 3 starter: {@link dev.sluice.spring.SluiceAutoConfiguration} builds the {@code Sluice}
 * bean from {@code sluice:} in {@code application.yml}, {@link dev.sluice.spring.LlmRouteBeanPostProcessor}
 * routes {@code @LlmRoute} methods of beans, and {@link dev.sluice.spring.SluiceEndpoint} is the
 * {@code sluice} actuator endpoint.
 */
@NullMarked
package dev.sluice.spring;

import org.jspecify.annotations.NullMarked;
