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
      char c = fold(text.charAt(i));
      boolean space = Character.isWhitespace(c);
      if (Character.isLetterOrDigit(c)) {
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

  private static char fold(char c) {
    if (c < 128) {
      if (c >= 'A' && c <= 'Z') {
        return (char) (c + 32);
      }
      return c >= '0' && c <= '9' ? '0' : c;
    }
    return Character.isDigit(c) ? '0' : Character.toLowerCase(c);
  }

  private int bucket(long h) {
    // murmur3's 64-bit finaliser: every input bit reaches the top bits the bucket is taken from
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB93FE1A85EC3L;
    h ^= h >>> 33;
    return (int) (h >>> (64 - bits));
  }
}
