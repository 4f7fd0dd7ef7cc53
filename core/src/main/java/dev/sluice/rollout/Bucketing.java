package dev.sluice.rollout;

import dev.sluice.internal.Fingerprint;
import java.nio.charset.StandardCharsets;

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
    h = update(h, salt.getBytes(StandardCharsets.UTF_8));
    h = (h ^ '.') * FNV_PRIME;
    h = update(h, routingKey.getBytes(StandardCharsets.UTF_8));
    return Fingerprint.mix(h);
  }

  private static long update(long h, byte[] bytes) {
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * FNV_PRIME;
    }
    return h;
  }
}
