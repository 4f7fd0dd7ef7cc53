package dev.sluice.guardrails.internal;

/**
 * The features of the learned detectors: lower-cased words and pairs of adjacent words, and
 * character 4-grams of the text with digits read as {@code 0} and runs of white space as one
 * space, each hashed into one of {@code 2^bits} buckets. One pass over the text, a constant amount
 * of work per character, no allocation: the basis of the detectors' linear time.
 */
public final class HashedFeatures {

  /** Receives one feature: its bucket, and the index of the character that completed it. */
  @FunctionalInterface
  public interface Sink {
    void accept(int bucket, int at);
  }

  private static final long WORD_SEED = 0x9E3779B97F4A7C15L;
  private static final long PAIR_SEED = 0xC2B2AE3D27D4EB4FL;
  private static final long GRAM_SEED = 0x165667B19E3779F9L;
  private static final long FNV_OFFSET = 0xCBF29CE484222325L;
  private static final long FNV_PRIME = 0x100000001B3L;

  private final int bits;

  public HashedFeatures(int bits) {
    if (bits < 10 || bits > 24) {
      throw new IllegalArgumentException("bits must be within [10, 24]: " + bits);
    }
    this.bits = bits;
  }

  public int bits() {
    return bits;
  }

  public int buckets() {
    return 1 << bits;
  }

  /** Calls {@code sink} with every feature of {@code text[from, to)}, in order of the characters that complete them. */
  public void forEach(CharSequence text, int from, int to, Sink sink) {
    long word = FNV_OFFSET;
    int wordLength = 0;
    long previousWord = 0;
    boolean hasPrevious = false;
    long gram = 0;
    int gramLength = 0;
    boolean lastWasSpace = true;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      byte kind;
      if (c < 128) {
        kind = ASCII[c];
        c = ASCII_FOLDED[c];
      } else {
        c = Character.isDigit(c) ? '0' : Character.toLowerCase(c);
        kind = Character.isWhitespace(c) ? SPACE : Character.isLetterOrDigit(c) ? WORD : OTHER;
      }
      boolean space = kind == SPACE;
      if (kind == WORD) {
        word = (word ^ c) * FNV_PRIME;
        wordLength++;
      } else if (wordLength > 0) {
        int at = i - 1;
        sink.accept(bucket(word ^ WORD_SEED), at);
        if (hasPrevious) {
          sink.accept(bucket((previousWord * 31 + word) ^ PAIR_SEED), at);
        }
        previousWord = word;
        hasPrevious = true;
        word = FNV_OFFSET;
        wordLength = 0;
      }
      if (space) {
        if (lastWasSpace) {
          continue;
        }
        c = ' ';
      }
      lastWasSpace = space;
      gram = (gram << 16) | c;
      if (++gramLength >= 4) {
        sink.accept(bucket(gram ^ GRAM_SEED), i);
      }
    }
    if (wordLength > 0) {
      sink.accept(bucket(word ^ WORD_SEED), to - 1);
      if (hasPrevious) {
        sink.accept(bucket((previousWord * 31 + word) ^ PAIR_SEED), to - 1);
      }
    }
  }

  private static final byte WORD = 1;
  private static final byte SPACE = 2;
  private static final byte OTHER = 3;
  /** Each ASCII character's kind, and its folded form (lower case, digits as {@code 0}): a table, not a call per character. */
  private static final byte[] ASCII = new byte[128];
  private static final char[] ASCII_FOLDED = new char[128];

  static {
    for (char c = 0; c < 128; c++) {
      char folded = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c >= '0' && c <= '9' ? '0' : c;
      ASCII_FOLDED[c] = folded;
      ASCII[c] = Character.isWhitespace(c) ? SPACE : Character.isLetterOrDigit(c) ? WORD : OTHER;
    }
  }

  private int bucket(long h) {
    // Fibonacci hashing: one multiply spreads the key's bits into the top bits the bucket is taken from
    h ^= h >>> 29;
    return (int) ((h * 0x9E3779B97F4A7C15L) >>> (64 - bits));
  }
}
