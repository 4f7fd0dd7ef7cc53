package dev.sluice.guardrails.internal;

import java.util.Arrays;

/**
 * A text cut into tokens in one pass: words (letters, with inner apostrophes and hyphens), numbers
 * (digits, with trailing letters such as {@code 23b} or {@code 5th}) and the single characters
 * {@code . , : # / -} and line breaks (white space and other punctuation only separate tokens). The scanners of personal data read
 * tokens, never the text, so their time is linear in it.
 */
public final class Words {

  public static final byte WORD = 1;
  public static final byte NUMBER = 2;
  public static final byte OTHER = 3;

  private final String text;
  private int[] starts = new int[64];
  private int[] ends = new int[64];
  private byte[] kinds = new byte[64];
  private int size;

  public Words(String text) {
    this.text = text;
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (c == ' ') {
        i++;
      } else if (isLetter(c)) {
        int j = i + 1;
        while (j < n && (isLetter(text.charAt(j))
            || ((text.charAt(j) == '\'' || text.charAt(j) == '’' || text.charAt(j) == '-') && j + 1 < n && isLetter(text.charAt(j + 1))))) {
          j++;
        }
        add(i, j, WORD);
        i = j;
      } else if (c >= '0' && c <= '9') {
        int j = i + 1;
        while (j < n && text.charAt(j) >= '0' && text.charAt(j) <= '9') {
          j++;
        }
        int k = j;
        while (k < n && k - j < 2 && Character.isLetter(text.charAt(k))) {
          k++;
        }
        if (k < n && Character.isLetter(text.charAt(k))) {
          k = j; // a longer run of letters is a word of its own, not a suffix
        }
        add(i, k, NUMBER);
        i = k;
      } else if (PUNCTUATION.indexOf(c) >= 0) {
        add(i, i + 1, OTHER);
        i++;
      } else {
        i++; // white space and the punctuation no scanner reads: skipped, though they still separate tokens
      }
    }
  }

  /** The characters kept as tokens: what the scanners of names, addresses and dates read. */
  private static final String PUNCTUATION = ".,:#/-\n";

  private static boolean isLetter(char c) {
    if (c < 128) {
      return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    }
    return Character.isLetter(c);
  }

  private void add(int start, int end, byte kind) {
    if (size == starts.length) {
      starts = Arrays.copyOf(starts, size * 2);
      ends = Arrays.copyOf(ends, size * 2);
      kinds = Arrays.copyOf(kinds, size * 2);
    }
    starts[size] = start;
    ends[size] = end;
    kinds[size] = kind;
    size++;
  }

  public int size() {
    return size;
  }

  public int start(int i) {
    return starts[i];
  }

  public int end(int i) {
    return ends[i];
  }

  public byte kind(int i) {
    return kinds[i];
  }

  public String text() {
    return text;
  }

  public String token(int i) {
    return text.substring(starts[i], ends[i]);
  }

  /** Whether token {@code i} exists and is a word. */
  public boolean isWord(int i) {
    return i >= 0 && i < size && kinds[i] == WORD;
  }

  /** Whether token {@code i} is a word starting with a capital followed by a lower-case letter (or a single capital). */
  public boolean isCapitalised(int i) {
    if (!isWord(i)) {
      return false;
    }
    char first = text.charAt(starts[i]);
    if (!Character.isUpperCase(first)) {
      return false;
    }
    return ends[i] - starts[i] == 1 || Character.isLowerCase(text.charAt(starts[i] + 1));
  }

  /** Whether token {@code i} is the single character {@code c}. */
  public boolean is(int i, char c) {
    return i >= 0 && i < size && kinds[i] == OTHER && text.charAt(starts[i]) == c;
  }

  /** Whether token {@code i} equals {@code word} (lower-case ASCII letters), ignoring case: no copy, no case tables. */
  public boolean is(int i, String word) {
    if (i < 0 || i >= size || ends[i] - starts[i] != word.length()) {
      return false;
    }
    int start = starts[i];
    for (int k = 0; k < word.length(); k++) {
      char c = text.charAt(start + k);
      if (c != word.charAt(k) && (c | 0x20) != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Token {@code i} in lower case (ASCII folding only where needed). */
  public String lower(int i) {
    return token(i).toLowerCase(java.util.Locale.ROOT);
  }

  /** Whether tokens {@code i} and {@code i + 1} are on one line with at most one space between. */
  public boolean adjacent(int i) {
    if (i + 1 >= size) {
      return false;
    }
    int gap = starts[i + 1] - ends[i];
    return gap == 1 ? text.charAt(ends[i]) == ' ' : gap == 0;
  }
}
