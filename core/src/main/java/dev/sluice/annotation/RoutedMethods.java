package dev.sluice.annotation;

import dev.sluice.internal.proxy.MethodPlan;
import dev.sluice.internal.proxy.RouteCaller;
import java.lang.reflect.Method;
import java.util.Map;
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
public final class RoutedMethods {

  /** Runs the intercepted method's own body once with the given arguments; throws what it threw, unwrapped. */
  @FunctionalInterface
  public interface Body {
    @Nullable Object invoke(@Nullable Object[] args) throws Throwable;
  }

  private final Map<Method, MethodPlan> plans;
  private final RouteCaller caller;

  /** For {@code Sluice}; applications call {@code Sluice.routedMethods(type)}. */
  public RoutedMethods(Map<Method, MethodPlan> plans, RouteCaller caller) {
    this.plans = Map.copyOf(plans);
    this.caller = caller;
  }

  public boolean isEmpty() {
    return plans.isEmpty();
  }

  /** The routed methods, as the class declares or inherits them. */
  public Set<Method> methods() {
    return plans.keySet();
  }

  public boolean routes(Method method) {
    return plans.containsKey(method);
  }

  /** The route a method runs in. */
  public String route(Method method) {
    return plan(method).route();
  }

  /**
   * Runs {@code method} inside its route's pipeline, each attempt calling {@code body}; blocks for a
   * synchronous method, returns a {@code CompletableFuture} for an async one.
   *
   * @param target the object the fallback method is called on
   */
  public @Nullable Object invoke(Method method, Object target, @Nullable Object[] args, Body body) throws Throwable {
    return plan(method).invoke(args, body::invoke, target, caller);
  }

  private MethodPlan plan(Method method) {
    MethodPlan plan = plans.get(method);
    if (plan == null) {
      throw new IllegalArgumentException(method + " is not an @LlmRoute method of this class; routed: " + plans.keySet());
    }
    return plan;
  }
}
