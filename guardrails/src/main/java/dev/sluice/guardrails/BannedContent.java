package dev.sluice.guardrails;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.InputGuardrail;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallContext;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Blocks text containing any of the application's banned substrings (case-insensitive) or
 * patterns, on input or output. Write patterns without nested unbounded repetition.
 */
public final class BannedContent implements InputGuardrail, OutputGuardrail {

  private final List<String> substrings;
  private final List<Pattern> patterns;

  /**
   * @param substrings matched case-insensitively
   * @param patterns your own regular expressions, run with {@code find()} on untrusted text of up to
   *     the route's maximum input: write them with bounded repetition ({@code \\w{1,40}}, not
   *     {@code \\w+} followed by something that can fail), or a backtracking engine may take time
   *     that grows faster than the text
   */
  public BannedContent(List<String> substrings, List<Pattern> patterns) {
    this.substrings = substrings.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    this.patterns = List.copyOf(patterns);
  }

  @Override
  public String name() {
    return "banned-content";
  }

  /** Judges any piece of an answer: on a stream, each piece before it reaches the caller. */
  @Override
  public boolean checksPartialText() {
    return true;
  }

  @Override
  public GuardrailResult check(String text, CallContext call) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (int i = 0; i < substrings.size(); i++) {
      if (lower.contains(substrings.get(i))) {
        return GuardrailResult.block("banned substring #" + (i + 1));
      }
    }
    for (int i = 0; i < patterns.size(); i++) {
      if (patterns.get(i).matcher(text).find()) {
        return GuardrailResult.block("banned pattern #" + (i + 1));
      }
    }
    return GuardrailResult.pass();
  }

  @Override
  public GuardrailResult check(ChatResponse response, CallContext call) {
    return check(response.text(), call);
  }
}
