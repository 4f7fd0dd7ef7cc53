package dev.sluice.annotation;

import java.lang.reflect.Method;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code @LlmRoute} methods of a class, planned and checked, for a framework that intercepts
 * calls itself (the Spring starter's interceptor, a CDI or Guice interceptor). Get one from
 * {@code Sluice.routedMethods(type)}; building it fails on misuse, naming the method.
 *
 * <pre>{@code
 * RoutedMethods routed = sluice.routedMethods(bean.getClass());
 * // in the interceptor:
 * if (routed.routes(method)) return routed.invoke(method, bean, args, a -> invocation.proceedWith(a));
 * }</pre>
 */
public interface RoutedMethods {

  /** Runs the intercepted method's own body once with the given arguments; throws what it threw, unwrapped. */
  @FunctionalInterface
  interface Body {
    @Nullable Object invoke(@Nullable Object[] args) throws Throwable;
  }

  boolean isEmpty();

  /** The routed methods, as the class declares or inherits them. */
  Set<Method> methods();

  boolean routes(Method method);

  /** The route a method runs in. */
  String route(Method method);

  /**
   * Runs {@code method} inside its route's pipeline, each attempt calling {@code body}; blocks for a
   * synchronous method, returns a {@code CompletableFuture} for an async one.
   *
   * @param target the object the fallback method is called on
   */
  @Nullable Object invoke(Method method, Object target, @Nullable Object[] args, Body body) throws Throwable;
}
