package dev.sluice.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.Role;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the input tokens of a request. For OpenAI models (and names that start like them) it
 * uses the model's BPE encoding through jtokkit, exactly; for any other model it returns an upper
 * bound, the UTF-8 byte count, because a byte-level BPE never makes more tokens than bytes. Budgets
 * reserve with it, so an estimate may be high, never low. Both add OpenAI's chat overhead of 4
 * tokens per message and 3 for the reply's priming.
 *
 * <pre>{@code long n = TokenCounter.shared().countInput("gpt-4o-mini", request.messages());}</pre>
 *
 * <p>Thread-safe; encodings are loaded once, on first use.
 */
public final class TokenCounter {

  public static final int PER_MESSAGE = 4;
  public static final int PRIMING = 3;

  private static final TokenCounter SHARED = new TokenCounter();

  private final EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
  private final ConcurrentHashMap<String, Optional<Encoding>> byModel = new ConcurrentHashMap<>();
  private static final int SYSTEM_CACHE = 256;
  private final ConcurrentHashMap<SystemText, Long> systemCounts = new ConcurrentHashMap<>();

  /** A variant's system prompt is one String instance, so its hash is computed once and equality is identity. */
  private record SystemText(String model, String text) {}

  public static TokenCounter shared() {
    return SHARED;
  }

  /** Whether the model's encoding is known, so counts are exact. */
  public boolean isExact(String model) {
    return encoding(model).isPresent();
  }

  /** Tokens of one text: exact if the encoding is known, else its UTF-8 byte count. */
  public long count(String model, String text) {
    Optional<Encoding> e = encoding(model);
    return e.isPresent() ? e.get().countTokensOrdinary(text) : utf8Length(text);
  }

  /** Input tokens of a chat request, overhead included. */
  public long countInput(String model, List<ChatMessage> messages) {
    long n = PRIMING;
    for (ChatMessage m : messages) {
      n += PER_MESSAGE + (m.role() == Role.SYSTEM ? countSystem(model, m.content()) : count(model, m.content()));
    }
    return n;
  }

  /**
   * A system prompt is the same on every call of a variant, and often the longest message:
   * counted once per model and remembered (at most {@value #SYSTEM_CACHE} of them; the memory is
   * dropped whole when full). Other messages are counted every time.
   */
  private long countSystem(String model, String text) {
    SystemText key = new SystemText(model, text);
    Long known = systemCounts.get(key);
    if (known != null) {
      return known;
    }
    long n = count(model, text);
    if (systemCounts.size() >= SYSTEM_CACHE) {
      systemCounts.clear();
    }
    systemCounts.put(key, n);
    return n;
  }

  /**
   * An upper bound of a request's input tokens without encoding it: its UTF-8 bytes plus the chat
   * overhead (a byte-level BPE never makes more tokens than bytes). Costs a pass over the chars.
   */
  public long upperBound(List<ChatMessage> messages) {
    long n = PRIMING;
    for (ChatMessage m : messages) {
      n += PER_MESSAGE + utf8Length(m.content());
    }
    return n;
  }

  static long utf8Length(String s) {
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes;
  }

  private Optional<Encoding> encoding(String model) {
    Optional<Encoding> known = byModel.get(model);
    return known != null ? known : byModel.computeIfAbsent(model, this::lookUp);
  }

  private Optional<Encoding> lookUp(String model) {
    String name = model.substring(model.lastIndexOf('/') + 1);
    Optional<Encoding> known = registry.getEncodingForModel(name);
    if (known.isPresent()) {
      return known;
    }
    if (name.startsWith("gpt-4o") || name.startsWith("gpt-4.1") || name.startsWith("gpt-4.5") || name.startsWith("gpt-5")
        || name.startsWith("o1") || name.startsWith("o3") || name.startsWith("o4") || name.startsWith("gpt-oss")) {
      return Optional.of(registry.getEncoding(EncodingType.O200K_BASE));
    }
    if (name.startsWith("gpt-4") || name.startsWith("gpt-3.5")) {
      return Optional.of(registry.getEncoding(EncodingType.CL100K_BASE));
    }
    return Optional.empty();
  }
}
