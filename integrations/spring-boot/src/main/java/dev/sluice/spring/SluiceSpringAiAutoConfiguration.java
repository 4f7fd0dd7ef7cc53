package dev.sluice.spring;

import dev.sluice.Sluice;
import dev.sluice.springai.SluiceSpringAiChatModel;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/**
 * Spring AI applications get Sluice without code: with {@code sluice-spring-ai} on the class path
 * and {@code sluice.spring-ai.route} set, the starter declares a {@link SluiceSpringAiChatModel}
 * over that route as the {@code @Primary} {@code ChatModel}, so the {@code ChatClient.Builder}
 * Spring AI auto-configures (and any {@code ChatModel} injected by type) answers through the route.
 * The vendor's model bean stays where it is, for a variant's {@code client: {ref: openAiChatModel}}.
 * Tools run through the application's {@link ToolCallingManager} bean when there is one.
 *
 * <pre>
 * sluice:
 *   spring-ai:
 *     route: support-answer
 *   routes:
 *     - name: support-answer
 *       variants:
 *         - {id: v1, model: gpt-4o-mini, client: {ref: openAiChatModel}}
 * </pre>
 */
@AutoConfiguration(after = SluiceAutoConfiguration.class)
@ConditionalOnClass(name = "dev.sluice.springai.SluiceSpringAiChatModel")
@ConditionalOnProperty(prefix = "sluice.spring-ai", name = "route")
public class SluiceSpringAiAutoConfiguration {

  @Bean
  @Primary
  @ConditionalOnBean(Sluice.class)
  @ConditionalOnMissingBean(SluiceSpringAiChatModel.class)
  public SluiceSpringAiChatModel sluiceChatModel(Sluice sluice, Environment environment, ObjectProvider<ToolCallingManager> tools) {
    SluiceSpringAiChatModel.Builder b = SluiceSpringAiChatModel.builder(sluice, environment.getRequiredProperty("sluice.spring-ai.route"));
    tools.ifAvailable(b::toolCallingManager);
    return b.build();
  }
}
