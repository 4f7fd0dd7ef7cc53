package dev.sluice.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameter whose value is an attribute of the subject that cohort rules read, such as
 * {@code tenant}, {@code region}, {@code plan} or {@code internal} (see {@link dev.sluice.subject.Subject}).
 * A {@code null} argument leaves the attribute unset.
 *
 * <pre>{@code String answer(@RoutingKey String userId, @SubjectAttribute("tenant") String tenant, String question);}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface SubjectAttribute {

  /** The attribute's name. */
  String value();
}
