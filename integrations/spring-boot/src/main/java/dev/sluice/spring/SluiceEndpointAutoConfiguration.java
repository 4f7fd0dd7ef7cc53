package dev.sluice.spring;

import dev.sluice.Sluice;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code sluice} actuator endpoint, when the actuator is on the classpath and a {@code Sluice} bean exists. */
@AutoConfiguration(after = SluiceAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
public class SluiceEndpointAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(Sluice.class)
  @ConditionalOnAvailableEndpoint
  public SluiceEndpoint sluiceEndpoint(Sluice sluice) {
    return new SluiceEndpoint(sluice);
  }
}
