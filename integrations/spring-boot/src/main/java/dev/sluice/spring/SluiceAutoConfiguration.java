package dev.sluice.spring;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.Sluice;
import dev.sluice.model.ClientResolver;
import dev.sluice.spring.internal.ChatModelBeans;
import dev.sluice.config.RouteCustomizer;
import dev.sluice.config.SluiceConfiguration;
import dev.sluice.model.ModelClient;
import dev.sluice.spring.internal.PropertyTree;
import dev.sluice.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.TreeSet;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Builds the {@link Sluice} bean from {@code sluice:} in {@code application.yml} (the schema of
 * {@link SluiceConfiguration}: routes, variants, policies, budgets, rollout notes), binds its
 * metrics to the application's {@link MeterRegistry} and observations (spans, with a tracing bridge)
 * to its {@link ObservationRegistry}, and routes {@code @LlmRoute} methods of
 * beans. Backs off when the application defines its own {@code Sluice} bean; without {@code
 * sluice.routes} and without a {@code Sluice} bean it does nothing.
 *
 * <p>Variants configured with {@code client: {ref: name}} use the {@link ModelClient} bean of that
 * name, or the Spring AI or LangChain4j {@code ChatModel} bean of that name (wrapped, when
 * {@code sluice-spring-ai} or {@code sluice-langchain4j} is on the class path); {@link RouteCustomizer} beans add guardrails and hand-offs; {@link
 * SluiceBuilderCustomizer} beans set the rest of the builder.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration"})
public class SluiceAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "sluice", name = "routes[0].name")
  public Sluice sluice(ConfigurableEnvironment environment, ListableBeanFactory beans, ObjectProvider<MeterRegistry> registry,
      ObjectProvider<ObservationRegistry> observations, ObjectProvider<RouteCustomizer> routeCustomizers, ObjectProvider<SluiceBuilderCustomizer> builderCustomizers) {
    com.fasterxml.jackson.databind.node.ObjectNode tree = PropertyTree.read(environment, "sluice");
    tree.remove("spring_ai"); // the starter's own (SluiceSpringAiAutoConfiguration), not Sluice's schema
    Sluice.Builder builder = SluiceConfiguration.fromTree(tree, clients(beans),
        List.copyOf(routeCustomizers.orderedStream().toList()), TimeSource.system(), environment::getProperty,
        new dev.sluice.spring.internal.BeanObjects(beans));
    registry.ifAvailable(builder::meterRegistry);
    observations.ifAvailable(builder::observationRegistry);
    builderCustomizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /** Applies {@code @LlmRoute} to beans; static, as bean post-processors are made before other beans. */
  @Bean
  public static LlmRouteBeanPostProcessor llmRouteBeanPostProcessor(ObjectProvider<Sluice> sluice) {
    return new LlmRouteBeanPostProcessor(sluice);
  }

  private static ClientResolver clients(ListableBeanFactory beans) {
    return name -> {
      Object bean;
      try {
        bean = beans.getBean(name);
      } catch (NoSuchBeanDefinitionException e) {
        bean = null;
      }
      ModelClient client = bean == null ? null : ChatModelBeans.client(bean);
      if (client == null) {
        throw new InvalidConfigurationException("client.ref", name, "the name of a ModelClient bean "
            + new TreeSet<>(List.of(beans.getBeanNamesForType(ModelClient.class)))
            + " (or of a Spring AI or LangChain4j ChatModel bean, with sluice-spring-ai or sluice-langchain4j on the class path)");
      }
      return client;
    };
  }
}
