package dev.sluice.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

/** The cheap bound budgets may reserve with is never below the exact count; cached system prompts count the same. */
class TokenCounterProperties {

  final TokenCounter counter = new TokenCounter();
  final TokenCounter other = new TokenCounter();

  @Property(tries = 60)
  void theByteBoundIsNeverBelowTheExactCount(@ForAll @StringLength(max = 80) String user, @ForAll @StringLength(max = 80) String system) {
    List<ChatMessage> messages = List.of(ChatMessage.system(system), ChatMessage.user(user));
    for (String model : List.of("gpt-4o-mini", "gpt-4", "claude-sonnet-4")) {
      assertThat(counter.upperBound(messages)).isGreaterThanOrEqualTo(counter.countInput(model, messages));
    }
    assertThat(TokenCounter.utf8Length(user)).isEqualTo(user.getBytes(StandardCharsets.UTF_8).length);
  }

  @Property(tries = 50)
  void aRememberedSystemPromptCountsTheSameAsAFreshOne(@ForAll @StringLength(min = 1, max = 120) String system) {
    List<ChatMessage> messages = List.of(ChatMessage.system(system), ChatMessage.user("hi"));
    long first = counter.countInput("gpt-4o-mini", messages);
    long again = counter.countInput("gpt-4o-mini", messages);
    long fresh = other.countInput("gpt-4o-mini", List.of(ChatMessage.system(new String(system)), ChatMessage.user("hi")));
    assertThat(again).isEqualTo(first).isEqualTo(fresh)
        .isEqualTo(TokenCounter.PRIMING + 2L * TokenCounter.PER_MESSAGE + counter.count("gpt-4o-mini", system) + counter.count("gpt-4o-mini", "hi"));
  }

  @Example
  void unknownModelsCountBytesAndKnownOnesCountFewerTokens() {
    String text = "How do I reset my password? I tried twice already.";
    assertThat(counter.isExact("claude-sonnet-4")).isFalse();
    assertThat(counter.count("claude-sonnet-4", text)).isEqualTo(text.length());
    assertThat(counter.isExact("openai/gpt-4o-mini")).isTrue();
    assertThat(counter.count("openai/gpt-4o-mini", text)).isBetween(8L, 16L);
  }
}
