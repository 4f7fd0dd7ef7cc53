package dev.sluice.guardrails;

/**
 * A text as {@link PromptInjection}'s lower-case patterns should see it, without copying it:
 * ASCII capitals (and the Kelvin sign, which lower-cases to {@code k}) read as lower case, every
 * other character as it is, from an offset to the end.
 *
 * <p>For those patterns this is the same as {@code text.toLowerCase(Locale.ROOT)}: they tell
 * characters apart only by ASCII letters, digits, white space, {@code '’'} and two emoji, and no
 * other character lower-cases into one of those. The one character whose lower case is longer
 * is {@code 'İ'} ({@code "i̇"}); a text holding it is lowered as a whole first
 * ({@link #needsFullLowering}). {@code FoldedTextProperties} checks both claims on every code point.
 */
final class FoldedText implements CharSequence {

  static final char KELVIN = '\u212A';
  static final char CAPITAL_I_WITH_DOT = '\u0130';

  private final String text;
  private final int offset;

  FoldedText(String text, int offset) {
    this.text = text;
    this.offset = offset;
  }

  static char fold(char c) {
    if (c >= 'A' && c <= 'Z') {
      return (char) (c + ('a' - 'A'));
    }
    return c == KELVIN ? 'k' : c;
  }

  /** Whether folding character by character would not give what {@code toLowerCase} gives. */
  static boolean needsFullLowering(String text) {
    return text.indexOf(CAPITAL_I_WITH_DOT) >= 0;
  }

  static boolean isFolded(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (fold(s.charAt(i)) != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The same text from {@code from} (an index into the whole text) on. */
  FoldedText from(int from) {
    return new FoldedText(text, from);
  }

  @Override
  public int length() {
    return text.length() - offset;
  }

  @Override
  public char charAt(int index) {
    return fold(text.charAt(offset + index));
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    StringBuilder out = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      out.append(charAt(i));
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return subSequence(0, length()).toString();
  }
}
