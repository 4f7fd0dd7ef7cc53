package dev.sluice.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a method inside a Sluice route's pipeline: release assignment, toggles, deadline, retries,
 * breaker, bulkhead, budget, guardrails, fallbacks, labels, metrics and the audit event. On an
 * interface (or, with the Spring starter, a class) it applies to every abstract method; on a
 * method it applies to that method and wins over the type's annotation.
 *
 * <p>The method body reads the release it was assigned from {@link dev.sluice.SluiceCall#current()}
 * (or a parameter of type {@code SluiceCall}) and calls the model through
 * {@link dev.sluice.SluiceCall#client()}, so a retry, a timeout or a rollback applies to what the
 * body does.
 *
 * <pre>{@code
 * interface SupportAssistant {
 *   @LlmRoute(value = "support-answer", fallbackMethod = "sorry")
 *   String answer(@RoutingKey String userId, @SubjectAttribute("tenant") String tenant, String question);
 * }
 *
 * class Assistant implements SupportAssistant {
 *   public String answer(String userId, String tenant, String question) {
 *     return SluiceCall.current().client().chat(ChatRequest.ofUser(question)).text();
 *   }
 *   public String sorry(String userId, String tenant, String question, Throwable why) {
 *     return "We could not answer right now; a person will follow up.";
 *   }
 * }
 *
 * SupportAssistant assistant = sluice.proxy(SupportAssistant.class, new Assistant());
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface LlmRoute {

  /** The route's name, as given to {@code Route.builder(name)}. */
  String value();

  /**
   * The name of a method on the implementation with the same parameters plus a trailing
   * {@link Throwable} and the same return type, called when the route fails (after its own
   * fallback chain). Empty for none: the failure is thrown.
   */
  String fallbackMethod() default "";
}
