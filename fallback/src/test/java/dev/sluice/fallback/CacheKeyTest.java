package dev.sluice.fallback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.ChatRequest;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ToolDefinition;
import dev.sluice.release.Variant;
import dev.sluice.simulated.SimulatedModelClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cache key tells apart requests that differ only in their tools or tool turns: a stored answer is never replayed for another. */
class CacheKeyTest {

  final Variant v = Variant.builder("v1").client(SimulatedModelClient.builder().build()).model("gpt-4o-mini").build();
  final ChatRequest base = ChatRequest.builder().user("Where is my order?").build();

  String key(ChatRequest r) {
    return CachedAnswerLink.hash(r, v);
  }

  @Test
  void toolsAndToolTurnsAreInTheKey() {
    ToolCall a = new ToolCall("call_1", "lookup_order", "{\"id\":\"A-17\"}");
    ToolCall b = new ToolCall("call_1", "lookup_order", "{\"id\":\"B-2\"}");
    ChatRequest askedA = base.toBuilder().assistant("", List.of(a)).toolResult("call_1", "shipped").build();
    ChatRequest askedB = base.toBuilder().assistant("", List.of(b)).toolResult("call_1", "shipped").build();
    ChatRequest otherId = base.toBuilder().assistant("", List.of(a)).toolResult("call_2", "shipped").build();
    ChatRequest withTool = base.toBuilder().tool(new ToolDefinition("lookup_order", "Looks up", "{\"type\":\"object\"}")).build();

    assertThat(List.of(key(base), key(askedA), key(askedB), key(otherId), key(withTool))).doesNotHaveDuplicates();
    assertThat(key(askedA)).isEqualTo(key(base.toBuilder().assistant("", List.of(a)).toolResult("call_1", "shipped").build()));
  }
}
