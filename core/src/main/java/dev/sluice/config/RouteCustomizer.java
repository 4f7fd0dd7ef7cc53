package dev.sluice.config;

import dev.sluice.Route;

/**
 * Adds to a configured route what a file cannot hold, such as guardrails and a hand-off to a queue,
 * before it is built. In Spring, every bean of this type is applied.
 *
 * <pre>{@code
 * RouteCustomizer guarded = (name, route) -> {
 *   if (name.equals("support-answer")) {
 *     route.guardrails(Guardrails.builder().input(Pii.redacting(), new PromptInjection()).build());
 *   }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface RouteCustomizer {

  void customize(String routeName, Route.Builder route);
}
