package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The anchored, one-pass search for injection cues finds exactly what each cue's whole pattern
 * finds, on texts stitched together from the cues' own words (so that near misses are common) in
 * mixed case, with the characters that could tell the two apart: line breaks and white space
 * before {@code ##}, {@code İ} (whose lower case is two characters), the Kelvin sign, curly
 * apostrophes, emoji and word characters glued to the words.
 */
class AnchoredCuesProperties {

  static final List<String> PIECES = pieces();

  static List<String> pieces() {
    List<String> p = new ArrayList<>();
    for (PromptInjection.Cue cue : PromptInjection.CUES) {
      for (PromptInjection.Rule rule : cue.rules()) {
        rule.starts().forEach(s -> p.add(s.replace("^", "")));
        p.addAll(rule.needs());
      }
    }
    p.addAll(List.of("previous", "all", "the", "instructions", "rules", "response", "system", "prompt", "now", "be", "a", "my", "to be",
        "of", "any", "ethical", "moral", "filters", "’s", "'s", "policy", "legality", "and", "or", "world", "universe", "4", "-4",
        "initial", "hidden", "in", "with", "different", "typical", "confines", "play", "as"));
    p.addAll(List.of(" ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\f", "\u000B", "#", "##", "###", "####", ":", ",", ".", "-", "_",
        "x", "7", "İ", "\u212A", "’", "🔒", "🔓", "[", "]", "<|", "|>", "é", "Σ"));
    return List.copyOf(p);
  }

  @Provide
  Arbitrary<String> stitched() {
    Arbitrary<String> piece = Arbitraries.of(PIECES).flatMap(s -> Arbitraries.of(s, s.toUpperCase(Locale.ROOT), capitalized(s)));
    return piece.list().ofMaxSize(30).map(l -> String.join("", l));
  }

  static String capitalized(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }

  @Property(tries = 20_000)
  void anchoredSearchAgreesWithTheWholePatterns(@ForAll("stitched") String text) {
    assertThat(PromptInjection.cuesFound(text)).as("cues on %s", text).isEqualTo(InjectionAnchorsTest.reference(text));
  }

  @Property(tries = 2_000)
  void onAnyTextToo(@ForAll String text) {
    assertThat(PromptInjection.cuesFound(text)).isEqualTo(InjectionAnchorsTest.reference(text));
  }

  /**
   * Folding character by character is lower-casing as far as the cues can tell, for every code
   * point: the same number of code points, and the same character wherever the patterns could
   * tell one from another (ASCII, the curly apostrophe, the two lock emoji); the one exception is
   * sent to whole-text lower-casing first.
   */
  @Test
  void foldingIsLowerCasingForThePatternsOnEveryCodePoint() {
    int exceptions = 0;
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (Character.getType(cp) == Character.SURROGATE) {
        continue;
      }
      String s = new String(Character.toChars(cp));
      String lower = s.toLowerCase(Locale.ROOT);
      StringBuilder folded = new StringBuilder();
      for (char c : s.toCharArray()) {
        folded.append(FoldedText.fold(c));
      }
      boolean same = lower.codePointCount(0, lower.length()) == 1 && visible(lower).equals(visible(folded.toString()));
      if (!same) {
        assertThat(FoldedText.needsFullLowering(s)).as("U+%04X lower-cases to %s", cp, lower).isTrue();
        exceptions++;
      }
    }
    assertThat(exceptions).isEqualTo(1);
  }

  /** What a cue pattern can see of a one-code-point string: itself if it could matter, else a placeholder. */
  static String visible(String s) {
    int cp = s.codePointAt(0);
    return cp < 128 || cp == '’' || cp == 0x1F512 || cp == 0x1F513 ? s : "other";
  }
}
