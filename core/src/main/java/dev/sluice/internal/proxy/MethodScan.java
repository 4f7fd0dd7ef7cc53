package dev.sluice.internal.proxy;

import java.util.Objects;
import dev.sluice.annotation.LlmRoute;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds the {@code @LlmRoute} methods of a type and plans each one. On an interface: annotated
 * methods, and the abstract methods of an annotated interface. On a class: its public methods
 * annotated themselves, implementing an annotated interface method, or declared by an annotated
 * class. Parameter annotations are read from the method that carries the route.
 */
public final class MethodScan {

  private MethodScan() {}

  /** Plans keyed by the methods a JDK proxy of {@code type} is called with. */
  public static Map<Method, MethodPlan> ofInterface(Class<?> type, Class<?> targetClass, Collection<String> routes) {
    Map<Method, MethodPlan> plans = new HashMap<>();
    for (Method m : type.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      LlmRoute annotation = interfaceRoute(m, type);
      if (annotation != null) {
        m.trySetAccessible();
        plans.put(m, MethodPlan.of(m, annotation, targetClass, routes));
      }
    }
    return Map.copyOf(plans);
  }

  /** Plans keyed by the public methods of {@code type}, a class. */
  public static Map<Method, MethodPlan> ofClass(Class<?> type, Collection<String> routes) {
    Map<Method, MethodPlan> plans = new HashMap<>();
    for (Method m : type.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class || m.isBridge() || m.isSynthetic()) {
        continue;
      }
      LlmRoute own = m.getAnnotation(LlmRoute.class);
      if (own != null) {
        plans.put(m, MethodPlan.of(m, own, type, routes));
        continue;
      }
      Method declared = interfaceMethod(type, m);
      if (declared != null) {
        plans.put(m, MethodPlan.of(declared, Objects.requireNonNull(interfaceRoute(declared, declared.getDeclaringClass())), type, routes));
        continue;
      }
      LlmRoute onClass = m.getDeclaringClass().getAnnotation(LlmRoute.class);
      if (onClass != null && !m.getDeclaringClass().isInterface()) {
        plans.put(m, MethodPlan.of(m, onClass, type, routes));
      }
    }
    return Map.copyOf(plans);
  }

  private static @Nullable LlmRoute interfaceRoute(Method m, Class<?> type) {
    LlmRoute annotation = m.getAnnotation(LlmRoute.class);
    if (annotation == null && !m.isDefault()) {
      annotation = m.getDeclaringClass().getAnnotation(LlmRoute.class);
      if (annotation == null) {
        annotation = type.getAnnotation(LlmRoute.class);
      }
    }
    return annotation;
  }

  /** The routed interface method {@code m} implements, if any. */
  private static @Nullable Method interfaceMethod(Class<?> type, Method m) {
    Deque<Class<?>> todo = new ArrayDeque<>();
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      todo.addAll(java.util.List.of(c.getInterfaces()));
    }
    while (!todo.isEmpty()) {
      Class<?> i = todo.poll();
      try {
        Method candidate = i.getMethod(m.getName(), m.getParameterTypes());
        if (interfaceRoute(candidate, i) != null) {
          return candidate;
        }
      } catch (NoSuchMethodException e) {
        // not declared here
      }
      todo.addAll(java.util.List.of(i.getInterfaces()));
    }
    return null;
  }
}
