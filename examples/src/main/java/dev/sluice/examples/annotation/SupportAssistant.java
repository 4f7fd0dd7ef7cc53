package dev.sluice.examples.annotation;

import dev.sluice.annotation.LlmRoute;
import dev.sluice.annotation.RoutingKey;
import dev.sluice.annotation.SubjectAttribute;

/** A service interface whose methods run inside Sluice routes. */
// annotation:begin
public interface SupportAssistant {

  @LlmRoute(value = "support-answer", fallbackMethod = "apologise")
  String answer(@RoutingKey String userId, @SubjectAttribute("tenant") String tenant, String question);
}
// annotation:end
