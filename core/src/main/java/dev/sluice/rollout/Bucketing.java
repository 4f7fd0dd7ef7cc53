package dev.sluice.rollout;

import dev.sluice.internal.Fingerprint;

/**
 * Sticky assignment without shared state: a subject's bucket is a 64-bit hash of
 * {@code salt + "." + routingKey} modulo 100,000, so every instance of a fleet computes the same
 * bucket and a percentage can be as fine as 0.001%. One salt per rollout, kept across its stages,
 * so the same subjects are not always the canaries of every rollout.
 *
 * <pre>{@code int b = Bucketing.bucket("support-v8-rollout", "user-42"); // 0..99,999}</pre>
 */
public final class Bucketing {

  /** Buckets in the hash space: 0.001% each. */
  public static final int BUCKETS = 100_000;

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Bucketing() {}

  /** The subject's bucket, 0 to 99,999. */
  public static int bucket(String salt, String routingKey) {
    return (int) Long.remainderUnsigned(hash64(salt, routingKey), BUCKETS);
  }

  /** The buckets a percentage covers: {@code percent * 1000}, e.g. 1% is buckets 0 to 999. */
  public static int bucketsFor(double percent) {
    return (int) Math.round(percent * 1000);
  }

  /** FNV-1a over the UTF-8 bytes of salt, '.', key, then Murmur3's 64-bit finaliser for avalanche. */
  static long hash64(String salt, String routingKey) {
    long h = FNV_OFFSET;
    h = update(h, salt);
    h = (h ^ '.') * FNV_PRIME;
    h = update(h, routingKey);
    return Fingerprint.mix(h);
  }

  /**
   * FNV-1a over the bytes {@code s.getBytes(UTF_8)} would give, encoded on the fly instead of into
   * an array (an unpaired surrogate is {@code '?'}, as there). Assignment must never change, so a
   * property test holds this to the array version.
   */
  private static long update(long h, String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        h = step(h, c);
      } else if (c < 0x800) {
        h = step(step(h, 0xC0 | c >> 6), 0x80 | c & 0x3F);
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          h = step(step(step(step(h, 0xF0 | cp >> 18), 0x80 | cp >> 12 & 0x3F), 0x80 | cp >> 6 & 0x3F), 0x80 | cp & 0x3F);
        } else {
          h = step(h, '?');
        }
      } else {
        h = step(step(step(h, 0xE0 | c >> 12), 0x80 | c >> 6 & 0x3F), 0x80 | c & 0x3F);
      }
    }
    return h;
  }

  private static long step(long h, int b) {
    return (h ^ b) * FNV_PRIME;
  }
}
