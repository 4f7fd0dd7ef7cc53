package dev.sluice.internal.proxy;

import dev.sluice.outcome.InvalidConfigurationException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A JDK proxy over an implementation of an {@code @LlmRoute} interface. Every routed method is
 * planned (and checked) when the proxy is made, so a call is one map lookup; other methods,
 * default methods without their own annotation and {@code Object}'s methods go straight to the
 * implementation.
 */
public final class RouteProxy implements InvocationHandler {

  private final Class<?> type;
  private final Object implementation;
  private final Map<Method, MethodPlan> plans;
  private final RouteCaller caller;

  private RouteProxy(Class<?> type, Object implementation, Map<Method, MethodPlan> plans, RouteCaller caller) {
    this.type = type;
    this.implementation = implementation;
    this.plans = plans;
    this.caller = caller;
  }

  public static <T> T create(Class<T> type, T implementation, Collection<String> routes, RouteCaller caller) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(implementation, "implementation");
    if (!type.isInterface()) {
      throw new InvalidConfigurationException("proxy type", type.getName(),
          "an interface (JDK proxies implement interfaces; for classes use the Spring starter)");
    }
    if (!type.isInstance(implementation)) {
      throw new InvalidConfigurationException("proxy implementation", implementation.getClass().getName(), "an implementation of " + type.getName());
    }
    Map<Method, MethodPlan> plans = MethodScan.ofInterface(type, implementation.getClass(), routes);
    for (MethodPlan p : plans.values()) {
      if (p.method().getReturnType().getName().equals(MethodPlan.REACTOR_FLUX)) {
        throw new InvalidConfigurationException("@LlmRoute " + MethodPlan.describe(p.method()),
            "returns a Reactor Flux, which only the Spring starter converts; a JDK proxy's streaming method returns Flow.Publisher");
      }
    }
    if (plans.isEmpty()) {
      throw new InvalidConfigurationException("proxy type", type.getName() + " has no @LlmRoute method; annotate the interface or its methods");
    }
    Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, new RouteProxy(type, implementation, plans, caller));
    return type.cast(proxy);
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
    MethodPlan plan = plans.get(method);
    if (plan != null) {
      return plan.invoke(args, a -> call(plan.method(), a), implementation, caller);
    }
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        case "toString" -> "Sluice proxy of " + type.getSimpleName() + " over " + implementation;
        default -> call(method, args);
      };
    }
    return call(method, args);
  }

  private @Nullable Object call(Method method, @Nullable Object[] args) throws Throwable {
    if (!method.canAccess(implementation)) {
      method.trySetAccessible();
    }
    try {
      return method.invoke(implementation, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
