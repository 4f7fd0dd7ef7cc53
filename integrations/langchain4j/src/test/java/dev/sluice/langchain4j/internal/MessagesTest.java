package dev.sluice.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.ResponseFormat;
import dev.sluice.model.Role;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ToolDefinition;
import dev.sluice.outcome.InvalidConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sluice's request to LangChain4j's and back loses nothing either side can say. */
class MessagesTest {

  static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"description\":\"the order id\"}},"
      + "\"required\":[\"id\"],\"additionalProperties\":false}";

  @Test
  void aRequestWithToolTurnsParametersAndASchemaSurvivesTheRoundTrip() {
    ChatRequest request = ChatRequest.builder().model("gpt-4o-mini").system("Be terse.").user("Where are A-17 and B-2?")
        .assistant("Looking.", List.of(new ToolCall("call_1", "lookup_order", "{\"id\":\"A-17\"}"),
            new ToolCall("call_2", "lookup_order", "{\"id\":\"B-2\"}")))
        .toolResult("call_1", "shipped").toolResult("call_2", "lost")
        .tool(new ToolDefinition("lookup_order", "Looks up an order", SCHEMA))
        .parameters(ModelParameters.builder().temperature(0.3).topP(0.8).maxOutputTokens(200).stop(List.of("END")).build())
        .responseFormat(ResponseFormat.jsonSchema("order", SCHEMA)).build();

    var lc4j = Messages.toLangChain4j(request);
    assertThat(lc4j.parameters().modelName()).isEqualTo("gpt-4o-mini");
    assertThat(lc4j.messages()).hasSize(5);
    assertThat(((dev.langchain4j.data.message.ToolExecutionResultMessage) lc4j.messages().get(3)).toolName())
        .as("named from the call it answers").isEqualTo("lookup_order");
    ChatRequest back = Messages.toSluice(lc4j);

    assertThat(back.messages()).extracting(ChatMessage::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL, Role.TOOL);
    assertThat(back.messages().get(2)).isEqualTo(request.messages().get(2));
    assertThat(back.messages().get(4)).isEqualTo(request.messages().get(4));
    assertThat(back.parameters()).isEqualTo(request.parameters());
    assertThat(back.tools()).singleElement().satisfies(t -> {
      assertThat(t.name()).isEqualTo("lookup_order");
      assertThat(t.parametersSchema()).contains("\"required\":[\"id\"]").contains("the order id");
    });
    assertThat(back.responseFormat().type()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
    assertThat(back.responseFormat().schema()).contains("\"id\"");
  }

  @Test
  void whatSluiceCannotCarryIsRefusedNotDropped() {
    var withImage = dev.langchain4j.model.chat.request.ChatRequest.builder()
        .messages(UserMessage.from(TextContent.from("what is this?"), ImageContent.from("https://example.invalid/cat.png"))).build();
    assertThatThrownBy(() -> Messages.toSluice(withImage)).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("images");
    assertThatThrownBy(() -> Messages.toLangChain4j(ChatRequest.builder().user("x")
        .tool(new ToolDefinition("t", "d", "{\"type\":\"array\"}")).build())).hasMessageContaining("object schema");
  }
}
