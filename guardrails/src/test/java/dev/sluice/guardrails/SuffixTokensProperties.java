package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/** The suffix detector's hand-written tokenizer cuts a trimmed text where {@code split("\\s+")} did. */
class SuffixTokensProperties {

  @Property(tries = 5000)
  void tokensAreWhatSplitGave(@ForAll @StringLength(max = 200) @CharRange(from = 'a', to = 'c')
      @Chars({' ', '\t', '\n', '\u000B', '\f', '\r', '\u0001', '\u00A0', '\u2028', '|', '$'}) String text) {
    String trimmed = text.trim();
    List<String> expected = trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+"));
    assertThat(AdversarialSuffix.tokens(trimmed)).isEqualTo(expected);
  }
}
