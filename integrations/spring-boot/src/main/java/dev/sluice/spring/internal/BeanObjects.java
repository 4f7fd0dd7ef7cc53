package dev.sluice.spring.internal;

import dev.sluice.config.ApplicationObjects;
import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * The application's beans, for parts of the configuration that may use what the application already
 * has: a unique bean of the type asked for; for Lettuce's {@code RedisClient}, failing that, the one
 * inside Spring Data Redis's {@code LettuceConnectionFactory} (Spring Boot's Redis connection).
 */
public final class BeanObjects implements ApplicationObjects {

  private static final String LETTUCE_CLIENT = "io.lettuce.core.RedisClient";
  private static final String SPRING_DATA_FACTORY = "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory";

  private final ListableBeanFactory beans;

  public BeanObjects(ListableBeanFactory beans) {
    this.beans = beans;
  }

  @Override
  public <T> Optional<T> find(Class<T> type) {
    T bean = beans.getBeanProvider(type).getIfUnique();
    if (bean == null && type.getName().equals(LETTUCE_CLIENT) && ClassUtils.isPresent(SPRING_DATA_FACTORY, type.getClassLoader())) {
      return SpringDataRedis.client(beans).filter(type::isInstance).map(type::cast);
    }
    return Optional.ofNullable(bean);
  }

  /** Loaded only when Spring Data Redis is on the class path. */
  private static final class SpringDataRedis {
    static Optional<Object> client(ListableBeanFactory beans) {
      var factory = beans.getBeanProvider(org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory.class).getIfUnique();
      if (factory == null) {
        return Optional.empty();
      }
      if (factory.getNativeClient() == null) {
        factory.start(); // made but not yet started (early start-up switched off): its client exists once started
      }
      return Optional.ofNullable(factory.getNativeClient());
    }
  }
}
