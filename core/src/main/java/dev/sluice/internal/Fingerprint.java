package dev.sluice.internal;

import dev.sluice.model.ChatMessage;
import java.util.HexFormat;
import java.util.List;

/**
 * A 64-bit hash of text for audit events: enough to see that two prompts were the same, cheap
 * enough for every call, and not the text. (Short texts can still be guessed by brute force, as
 * with any unsalted hash; turn on text auditing deliberately or not at all.)
 */
public final class Fingerprint {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final HexFormat HEX = HexFormat.of();

  private Fingerprint() {}

  public static String of(String text) {
    return hex(mix(update(FNV_OFFSET, text)));
  }

  public static String of(List<ChatMessage> messages) {
    long h = FNV_OFFSET;
    for (ChatMessage m : messages) {
      h = update(h, m.role().wireName());
      h = (h ^ 0x1e) * FNV_PRIME;
      h = update(h, m.content());
      h = (h ^ 0x1f) * FNV_PRIME;
      if (m.toolCallId() != null) {
        h = update(h, m.toolCallId());
        h = (h ^ 0x1d) * FNV_PRIME;
      }
      for (var c : m.toolCalls()) {
        h = update(update(update(h, c.id()), c.name()), c.argumentsJson());
        h = (h ^ 0x1c) * FNV_PRIME;
      }
    }
    return hex(mix(h));
  }

  private static long update(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * FNV_PRIME;
    }
    return h;
  }

  /** Murmur3's 64-bit finaliser, so that near-identical inputs do not give near-identical hashes. */
  public static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private static String hex(long h) {
    return HEX.toHexDigits(h);
  }
}
