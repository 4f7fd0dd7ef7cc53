package dev.sluice.guardrails;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Spots the gibberish suffixes that gradient-based attacks (GCG) append to a request: runs of
 * punctuation, words glued to symbols ({@code correctedilde]$.}), brackets and operators with no
 * sentence around them. Looks at the last 300 characters, where such suffixes sit; linear time.
 */
final class AdversarialSuffix {

  private static final String CODE = "[]{}()<>$\\|@#%^=*_~`";
  // Compiled once: String.matches compiles its pattern on every call.
  private static final Pattern ELLIPSIS_OR_RULE = Pattern.compile("\\.{3}|-{3}|…");
  private static final Pattern WORD = Pattern.compile("[\"'(\\[]?[\\p{L}\\p{N}'’-]+[.,;:!?\"')\\]]{0,3}");
  private static final Pattern URL = Pattern.compile("https?://\\S+");
  private static final Pattern NUMBER = Pattern.compile("[\\d.,:/%$-]+");

  private AdversarialSuffix() {}

  static boolean looksAdversarial(String text) {
    String tail = text.length() > 130 ? text.substring(text.length() - 130) : text;
    List<String> tokens = tokens(tail.trim());
    if (tokens.size() < 6) {
      return false;
    }
    int weird = 0;
    int symbols = 0;
    int letters = 0;
    for (String t : tokens) {
      int sym = 0;
      int let = 0;
      int run = 0;
      int maxRun = 0;
      for (int i = 0; i < t.length(); i++) {
        char c = t.charAt(i);
        if (Character.isLetterOrDigit(c)) {
          let++;
          run = 0;
        } else {
          sym++;
          run++;
          maxRun = Math.max(maxRun, run);
        }
      }
      symbols += sym;
      letters += let;
      boolean gluedSymbols = let > 0 && sym >= 2 && !isOrdinaryPunctuation(t);
      boolean symbolRun = maxRun >= 3 && !ELLIPSIS_OR_RULE.matcher(t).matches();
      boolean camelNoise = let >= 6 && hasInnerCapital(t);
      boolean codeish = false;
      for (int i = 0; i < t.length() && !codeish; i++) {
        codeish = CODE.indexOf(t.charAt(i)) >= 0;
      }
      if (gluedSymbols || symbolRun || camelNoise || codeish) {
        weird++;
      }
    }
    double symbolShare = (double) symbols / Math.max(1, symbols + letters);
    return weird >= 4 && weird >= tokens.size() * 0.25 && symbolShare > 0.05;
  }

  /** The shortest last line a GCG-style prompt has: a request of a sentence or more, then its suffix. */
  static final int MIN_PROMPT_LINE = 80;
  /** The most symbols (neither letter, digit, white space nor sentence punctuation) a prose request may hold. */
  static final double MAX_PROSE_SYMBOLS = 0.02;
  private static final String SENTENCE_PUNCTUATION = ".,'?!-:;\"’()";

  /**
   * A GCG-style prompt: the text's last line is at least {@value #MIN_PROMPT_LINE} characters, its
   * first part (half of it, and never its last 130 characters) reads as prose (at most 2% symbols),
   * and its end {@linkplain #looksAdversarial looks adversarial}. Source code, markdown tables,
   * JSON and other data fail the prose test, which the suffix test alone does not: it flagged 88% of
   * HumanEval's Python, 75% of tldr pages and 96% of markdown tables. Linear: one pass over the
   * last line.
   */
  static boolean looksLikeGcgPrompt(String text) {
    int end = text.length();
    while (end > 0 && isSpace(text.charAt(end - 1))) {
      end--;
    }
    int lineStart = text.lastIndexOf('\n', end - 1) + 1;
    int length = end - lineStart;
    if (length < MIN_PROMPT_LINE) {
      return false;
    }
    int headEnd = lineStart + (length > 130 ? Math.min(length / 2, length - 130) : length / 2);
    int symbols = 0;
    for (int i = lineStart; i < headEnd; i++) {
      char c = text.charAt(i);
      if (!Character.isLetterOrDigit(c) && !Character.isWhitespace(c) && SENTENCE_PUNCTUATION.indexOf(c) < 0) {
        symbols++;
      }
    }
    return symbols <= (headEnd - lineStart) * MAX_PROSE_SYMBOLS && looksAdversarial(text.substring(Math.max(lineStart, end - 200), end));
  }

  /** The runs between white space ({@code \\s+}, as {@code split} cut them; the text is trimmed). */
  static List<String> tokens(String trimmed) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= trimmed.length(); i++) {
      boolean space = i == trimmed.length() || isSpace(trimmed.charAt(i));
      if (space && start >= 0) {
        out.add(trimmed.substring(start, i));
        start = -1;
      } else if (!space && start < 0) {
        start = i;
      }
    }
    return out;
  }

  /** {@code java.util.regex}'s {@code \\s}. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  private static boolean isOrdinaryPunctuation(String t) {
    // words with a trailing comma and quote, a possessive, a URL or a number with separators are not noise
    return WORD.matcher(t).matches() || URL.matcher(t).matches() || NUMBER.matcher(t).matches();
  }

  private static boolean hasInnerCapital(String t) {
    for (int i = 1; i < t.length() - 1; i++) {
      if (Character.isUpperCase(t.charAt(i)) && Character.isLowerCase(t.charAt(i - 1))) {
        return true;
      }
    }
    return false;
  }
}
