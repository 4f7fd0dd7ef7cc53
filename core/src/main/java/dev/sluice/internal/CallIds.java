package dev.sluice.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Call ids: 128 random bits as 32 lower-case hex digits, made with one array and one string. */
public final class CallIds {

  private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private CallIds() {}

  public static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    byte[] text = new byte[32];
    hexInto(r.nextLong(), text, 0);
    hexInto(r.nextLong(), text, 16);
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  private static void hexInto(long v, byte[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
  }
}
