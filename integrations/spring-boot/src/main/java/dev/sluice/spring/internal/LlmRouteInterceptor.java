package dev.sluice.spring.internal;

import dev.sluice.annotation.RoutedMethods;
import java.lang.reflect.Method;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.util.ClassUtils;

/**
 * Runs a routed method of a bean inside its route's pipeline. Each attempt runs the rest of the
 * interceptor chain and the method on a clone of the invocation, with the attempt's arguments. A
 * method returning Reactor's {@code Flux} streams through {@link ReactorStreams}.
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
    Object on = target != null ? target : proxied.getProxy();
    RoutedMethods.Body body = args -> proxied.invocableClone(args).proceed();
    if (REACTOR && ReactorStreams.returnsFlux(method)) {
      return ReactorStreams.invoke(routed, method, on, invocation.getArguments(), body);
    }
    return routed.invoke(method, on, invocation.getArguments(), body);
  }

  private static final boolean REACTOR = ClassUtils.isPresent("reactor.core.publisher.Flux", LlmRouteInterceptor.class.getClassLoader());
}
