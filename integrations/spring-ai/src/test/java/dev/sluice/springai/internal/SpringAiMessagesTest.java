package dev.sluice.springai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.model.ChatRequest;
import dev.sluice.model.ToolDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/** A request's tools reach a Spring AI model as definitions only: described, never run inside the model. */
class SpringAiMessagesTest {

  @Test
  void toolsAreDescribedWithInternalExecutionOffAndRefuseToRun() {
    ToolDefinition lookup = new ToolDefinition("lookup_order", "Looks an order up",
        "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}");
    Prompt prompt = SpringAiMessages.toSpringAi(ChatRequest.builder().model("gpt-4o-mini").user("Where is A-17?").tool(lookup).build());

    ToolCallingChatOptions options = (ToolCallingChatOptions) prompt.getOptions();
    assertThat(options.getInternalToolExecutionEnabled()).isFalse();
    ToolCallback callback = options.getToolCallbacks().get(0);
    assertThat(callback.getToolDefinition().name()).isEqualTo("lookup_order");
    assertThat(callback.getToolDefinition().description()).isEqualTo("Looks an order up");
    assertThat(callback.getToolDefinition().inputSchema()).contains("\"id\"");
    assertThatThrownBy(() -> callback.call("{\"id\":\"A-17\"}")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lookup_order").hasMessageContaining("internal tool execution off");
  }
}
