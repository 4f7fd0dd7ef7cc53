package dev.sluice.spring.internal;

import dev.sluice.annotation.RoutedMethods;
import java.lang.reflect.Method;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;

/**
 * Runs a routed method of a bean inside its route's pipeline. Each attempt runs the rest of the
 * interceptor chain and the method on a clone of the invocation, with the attempt's arguments.
 */
public final class LlmRouteInterceptor implements MethodInterceptor {

  private final RoutedMethods routed;
  private final Class<?> type;

  public LlmRouteInterceptor(RoutedMethods routed, Class<?> type) {
    this.routed = routed;
    this.type = type;
  }

  @Override
  public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), type);
    if (!routed.routes(method) || !(invocation instanceof ProxyMethodInvocation proxied)) {
      return invocation.proceed();
    }
    Object target = invocation.getThis();
    return routed.invoke(method, target != null ? target : proxied.getProxy(), invocation.getArguments(),
        args -> proxied.invocableClone(args).proceed());
  }
}
