package dev.sluice.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.tokens.TokenCounter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatMessageTest {

  static final ToolCall CALL = new ToolCall("call_1", "lookup_order", "{\"id\":\"A-17\"}");

  @Test
  void toolTurnsCarryWhatTheApiNeedsAndMisuseIsRefusedNamingTheField() {
    assertThat(ChatMessage.tool("call_1", "shipped").toolCallId()).isEqualTo("call_1");
    assertThat(ChatMessage.assistant("", List.of(CALL)).toolCalls()).containsExactly(CALL);
    assertThatThrownBy(() -> new ChatMessage(Role.TOOL, "shipped")).hasMessageContaining("toolCallId");
    assertThatThrownBy(() -> ChatMessage.tool(" ", "shipped")).hasMessageContaining("toolCallId");
    assertThatThrownBy(() -> ChatMessage.tool("x".repeat(257), "shipped")).hasMessageContaining("256");
    assertThatThrownBy(() -> new ChatMessage(Role.USER, "hi", "call_1", List.of())).hasMessageContaining("toolCallId");
    assertThatThrownBy(() -> new ChatMessage(Role.USER, "hi", null, List.of(CALL))).hasMessageContaining("tool calls");
  }

  @Test
  void aRewriteKeepsTheToolCallIdAndCalls() {
    assertThat(ChatMessage.tool("call_1", "ACCT-1").withContent("<ACCOUNT>")).isEqualTo(ChatMessage.tool("call_1", "<ACCOUNT>"));
    assertThat(ChatMessage.assistant("a", List.of(CALL)).withContent("b").toolCalls()).containsExactly(CALL);
  }

  @Test
  void toolCallsCountAsInputForLimitsTokensAndTheBudget() {
    ChatRequest plain = ChatRequest.builder().user("Where is A-17?").build();
    ChatRequest withCalls = plain.toBuilder().assistant("", List.of(CALL)).toolResult("call_1", "shipped").build();
    assertThat(withCalls.inputChars()).isEqualTo(plain.inputChars() + "call_1lookup_order{\"id\":\"A-17\"}".length() + "call_1shipped".length());
    TokenCounter t = TokenCounter.shared();
    assertThat(t.countInput("gpt-4o-mini", withCalls)).isGreaterThan(t.countInput("gpt-4o-mini", plain) + 10);
    assertThat(t.upperBound(withCalls)).isGreaterThanOrEqualTo(t.countInput("gpt-4o-mini", withCalls));
    assertThat(ChatMessage.tool("call_1", "secret text").toString()).doesNotContain("secret");
  }
}
