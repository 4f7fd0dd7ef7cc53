package dev.sluice.spring;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.Sluice;
import dev.sluice.config.ClientResolver;
import dev.sluice.config.RouteCustomizer;
import dev.sluice.config.SluiceConfiguration;
import dev.sluice.model.ModelClient;
import dev.sluice.spring.internal.PropertyTree;
import dev.sluice.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
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
 * metrics to the application's {@link MeterRegistry}, and routes {@code @LlmRoute} methods of
 * beans. Backs off when the application defines its own {@code Sluice} bean; without {@code
 * sluice.routes} and without a {@code Sluice} bean it does nothing.
 *
 * <p>Variants configured with {@code client: {ref: name}} use the {@link ModelClient} bean of that
 * name; {@link RouteCustomizer} beans add guardrails and hand-offs; {@link
 * SluiceBuilderCustomizer} beans set the rest of the builder.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
public class SluiceAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "sluice", name = "routes[0].name")
  public Sluice sluice(ConfigurableEnvironment environment, ListableBeanFactory beans, ObjectProvider<MeterRegistry> registry,
      ObjectProvider<RouteCustomizer> routeCustomizers, ObjectProvider<SluiceBuilderCustomizer> builderCustomizers) {
    Sluice.Builder builder = SluiceConfiguration.fromTree(PropertyTree.read(environment, "sluice"), clients(beans),
        List.copyOf(routeCustomizers.orderedStream().toList()), TimeSource.system(), environment::getProperty);
    registry.ifAvailable(builder::meterRegistry);
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
      try {
        return beans.getBean(name, ModelClient.class);
      } catch (NoSuchBeanDefinitionException e) {
        throw new InvalidConfigurationException("client.ref", name,
            "the name of a ModelClient bean " + new TreeSet<>(List.of(beans.getBeanNamesForType(ModelClient.class))));
      }
    };
  }
}
