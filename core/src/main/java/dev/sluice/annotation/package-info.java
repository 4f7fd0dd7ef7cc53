/**
 * Annotations that put methods of a service interface behind a Sluice route: {@link
 * dev.sluice.annotation.LlmRoute}, {@link dev.sluice.annotation.RoutingKey} and {@link
 * dev.sluice.annotation.SubjectAttribute}. {@code Sluice.proxy(type, implementation)} applies them
 * without a framework; the Spring Boot starter applies them to beans.
 */
@NullMarked
package dev.sluice.annotation;

import org.jspecify.annotations.NullMarked;
