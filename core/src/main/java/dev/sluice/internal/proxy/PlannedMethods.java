package dev.sluice.internal.proxy;

import dev.sluice.annotation.RoutedMethods;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** {@link RoutedMethods} over the plans {@link MethodScan} made for a class. */
public final class PlannedMethods implements RoutedMethods {

  private final Map<Method, MethodPlan> plans;
  private final RouteCaller caller;

  public PlannedMethods(Map<Method, MethodPlan> plans, RouteCaller caller) {
    this.plans = Map.copyOf(plans);
    this.caller = caller;
  }

  @Override
  public boolean isEmpty() {
    return plans.isEmpty();
  }

  @Override
  public Set<Method> methods() {
    return plans.keySet();
  }

  @Override
  public boolean routes(Method method) {
    return plans.containsKey(method);
  }

  @Override
  public String route(Method method) {
    return plan(method).route();
  }

  @Override
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
