package dev.sluice.spring;

import dev.sluice.Sluice;
import dev.sluice.annotation.LlmRoute;
import dev.sluice.annotation.RoutedMethods;
import dev.sluice.spring.internal.LlmRouteInterceptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The aspect of {@code @LlmRoute} for Spring beans: wraps every bean with a routed method (on the
 * class, on its methods, or on an interface it implements) in a proxy whose advice runs the
 * method inside its route's pipeline. Misuse fails at startup, naming the method.
 *
 * <p>As with every Spring proxy, a call from the bean to its own method does not go through the
 * proxy and so is not routed.
 */
public class LlmRouteBeanPostProcessor implements BeanPostProcessor {

  private final ObjectProvider<Sluice> sluice;

  public LlmRouteBeanPostProcessor(ObjectProvider<Sluice> sluice) {
    this.sluice = sluice;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
    if (bean instanceof Sluice || bean instanceof AopInfrastructureBean) {
      return bean;
    }
    Class<?> type = AopUtils.getTargetClass(bean);
    if (!hasRoutes(type)) {
      return bean;
    }
    Sluice instance = sluice.getIfAvailable();
    if (instance == null) {
      throw new IllegalStateException("bean '" + beanName + "' (" + type.getName() + ") has @LlmRoute methods but there is no Sluice "
          + "bean; configure sluice.routes in application.yml or define a Sluice bean");
    }
    RoutedMethods routed = instance.routedMethods(type);
    if (routed.isEmpty()) {
      return bean;
    }
    LlmRouteInterceptor advice = new LlmRouteInterceptor(routed, type);
    if (bean instanceof Advised advised && !advised.isFrozen()) {
      advised.addAdvice(advice);
      return bean;
    }
    ProxyFactory factory = new ProxyFactory(bean);
    factory.setProxyTargetClass(!Modifier.isFinal(type.getModifiers()));
    factory.addAdvice(advice);
    return factory.getProxy(type.getClassLoader());
  }

  private static boolean hasRoutes(Class<?> type) {
    if (AnnotatedElementUtils.hasAnnotation(type, LlmRoute.class)) {
      return true;
    }
    boolean[] found = {false};
    ReflectionUtils.doWithMethods(type, (Method m) -> found[0] = true,
        m -> !found[0] && AnnotatedElementUtils.hasAnnotation(m, LlmRoute.class));
    return found[0];
  }
}
