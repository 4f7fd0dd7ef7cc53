package dev.sluice.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ToolDefinition;
import dev.sluice.model.Role;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

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

  /**
   * Tokens of one text: exact if the encoding is known, else its UTF-8 byte count. The text is
   * counted whole up to {@value #LONGEST_EXACT} characters, longer ones in pieces of about {@value
   * #PIECE} characters cut just before a space that follows a letter or digit: no pre-token of the
   * cl100k or o200k encodings crosses such a point, so the sum of the pieces' counts is the text's
   * count. A piece that finds no such point within
   * {@value #LONGEST_EXACT} characters (a blob: base64, minified code, a run of one character)
   * counts at its UTF-8 byte bound instead, because BPE on one long pre-token takes time that
   * grows faster than its length. So time is linear in the text, and the count never low.
   */
  public long count(String model, String text) {
    return count(model, text, NEVER);
  }

  private static final BooleanSupplier NEVER = () -> false;

  /** As {@link #count(String, String)}; once {@code stop} says so, the rest counts at its byte bound. */
  private long count(String model, String text, BooleanSupplier stop) {
    Optional<Encoding> e = encoding(model);
    if (e.isEmpty() || stop.getAsBoolean()) {
      return utf8Length(text);
    }
    return text.length() < REMEMBERED_FROM ? countInPieces(e.get(), text, stop) : countRemembered(model, e.get(), text, stop);
  }

  /** Texts from this many characters on have their counts remembered by content. */
  static final int REMEMBERED_FROM = 4096;
  private static final int REMEMBERED = 1024;
  private final ConcurrentHashMap<LongText, Long> longCounts = new ConcurrentHashMap<>();

  /**
   * A long text by its content: two independent 64-bit hashes and its length, not the text itself
   * (the memory holds no prompt). Two different texts would have to collide in 128 bits plus length
   * to share a count.
   */
  private record LongText(String model, long h1, long h2, int length) {

    static LongText of(String model, String text) {
      long h1 = 0xcbf29ce484222325L; // FNV-1a
      long h2 = 0x9e3779b97f4a7c15L; // a multiplicative hash with another odd constant
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        h1 = (h1 ^ c) * 0x100000001b3L;
        h2 = (h2 + c) * 0xc6a4a7935bd1e995L;
      }
      return new LongText(model, h1, h2 ^ (h2 >>> 29), text.length());
    }
  }

  /**
   * Retrieved documents, tool results and long instructions come back call after call: a long
   * text's count is remembered by its content hash (at most {@value #REMEMBERED}; the memory is
   * dropped whole when full), so it is encoded once. Hashing costs about a nanosecond per character,
   * encoding some tens.
   */
  private long countRemembered(String model, Encoding encoding, String text, BooleanSupplier stop) {
    LongText key = LongText.of(model, text);
    Long known = longCounts.get(key);
    return known != null ? known : remember(longCounts, REMEMBERED, key, countInPieces(encoding, text, stop), stop);
  }

  /**
   * Keeps {@code n} under {@code key} (a memory at {@code most} entries is dropped whole), unless
   * {@code stop} cut the count short (part exact, part bound); returns {@code n}.
   */
  private static <K> long remember(ConcurrentHashMap<K, Long> memory, int most, K key, long n, BooleanSupplier stop) {
    if (stop.getAsBoolean()) {
      return n; // a deadline does not un-pass: if it has not passed now, the count was whole
    }
    if (memory.size() >= most) {
      memory.clear();
    }
    memory.put(key, n);
    return n;
  }

  /** How many long texts' counts are remembered (for tests). */
  int rememberedLongTexts() {
    return longCounts.size();
  }

  /** Pieces start at about this many characters. */
  static final int PIECE = 512;
  /** A piece longer than this without a cut point counts at its byte bound. */
  static final int LONGEST_EXACT = 2048;

  static long countInPieces(Encoding encoding, String text) {
    return countInPieces(encoding, text, NEVER);
  }

  private static long countInPieces(Encoding encoding, String text, BooleanSupplier stop) {
    // Short enough that even one long pre-token costs little: counted whole, with no copies.
    return text.length() <= LONGEST_EXACT ? exactOrBound(encoding, text, 0, text.length())
        : countInPieces(encoding, text, PIECE, LONGEST_EXACT, stop);
  }

  static long countInPieces(Encoding encoding, String text, int piece, int longestExact) {
    return countInPieces(encoding, text, piece, longestExact, NEVER);
  }

  /** Piece by piece; once {@code stop} says so (asked before each piece), the rest counts at its byte bound. */
  static long countInPieces(Encoding encoding, String text, int piece, int longestExact, BooleanSupplier stop) {
    int n = text.length();
    if (n <= piece) {
      return exactOrBound(encoding, text, 0, n);
    }
    long total = 0;
    int start = 0;
    int i = start + 1;
    while (start < n) {
      if (stop.getAsBoolean()) {
        return total + utf8Length(text, start, n);
      }
      int cut = n;
      for (i = Math.max(i, start + 1); i < n; i++) {
        // After a letter or digit, a space always starts a new pre-token.
        if (i - start >= piece && text.charAt(i) == ' ' && Character.isLetterOrDigit(text.charAt(i - 1))) {
          cut = i;
          break;
        }
      }
      total += cut - start <= longestExact ? exactOrBound(encoding, text, start, cut) : utf8Length(text, start, cut);
      start = cut;
      i = cut + 1;
    }
    return total;
  }

  /** Input tokens of a chat request, overhead included. */
  public long countInput(String model, List<ChatMessage> messages) {
    return countInput(model, messages, NEVER);
  }

  private long countInput(String model, List<ChatMessage> messages, BooleanSupplier stop) {
    long n = PRIMING;
    for (ChatMessage m : messages) {
      n += PER_MESSAGE + (m.role() == Role.SYSTEM ? countSystem(model, m.content(), stop) : count(model, m.content(), stop));
      if (m.toolCallId() != null) {
        n += count(model, m.toolCallId(), stop);
      }
      for (ToolCall c : m.toolCalls()) {
        n += PER_TOOL + count(model, c.id(), stop) + count(model, c.name(), stop) + count(model, c.argumentsJson(), stop);
      }
    }
    return n;
  }

  /** Tokens added per tool definition for its framing, beyond its name, description and schema. */
  public static final int PER_TOOL = 16;

  /**
   * Input tokens of everything a request sends: its messages (as {@link #countInput(String, List)}),
   * and its tool definitions and response format schema, which providers bill as input too. Tools
   * and schemas count as their JSON text, which has at least the tokens of the form a provider
   * renders them in, plus {@value #PER_TOOL} per tool.
   */
  public long countInput(String model, ChatRequest request) {
    return countInput(model, request, NEVER);
  }

  /**
   * As {@link #countInput(String, ChatRequest)}, but asks {@code stop} between messages and
   * between pieces of a long text (every {@value #PIECE} characters or so, some tens of
   * microseconds of encoding): once it answers true, what is left counts at its UTF-8 byte bound,
   * so the result is never low and the counting ends at once. Sluice passes "the call's deadline
   * has passed": a long input is never encoded on the caller's thread past its deadline.
   */
  public long countInput(String model, ChatRequest request, BooleanSupplier stop) {
    long n = countInput(model, request.messages(), stop);
    for (ToolDefinition t : request.tools()) {
      n += PER_TOOL + count(model, t.name(), stop) + count(model, t.description(), stop) + count(model, t.parametersSchema(), stop);
    }
    String schema = request.responseFormat().schema();
    return schema == null ? n : n + PER_TOOL + count(model, schema, stop);
  }

  /** An upper bound of {@link #countInput(String, ChatRequest)} for any model: UTF-8 bytes plus framing. */
  public long upperBound(ChatRequest request) {
    long n = upperBound(request.messages());
    for (ToolDefinition t : request.tools()) {
      n += PER_TOOL + utf8Length(t.name()) + utf8Length(t.description()) + utf8Length(t.parametersSchema());
    }
    String schema = request.responseFormat().schema();
    return schema == null ? n : n + PER_TOOL + utf8Length(schema);
  }

  /**
   * A system prompt is the same on every call of a variant, and often the longest message:
   * counted once per model and remembered (at most {@value #SYSTEM_CACHE} of them; the memory is
   * dropped whole when full). Other messages are counted every time.
   */
  private long countSystem(String model, String text, BooleanSupplier stop) {
    SystemText key = new SystemText(model, text);
    Long known = systemCounts.get(key);
    return known != null ? known : remember(systemCounts, SYSTEM_CACHE, key, count(model, text, stop), stop);
  }

  /**
   * An upper bound of a request's input tokens without encoding it: its UTF-8 bytes plus the chat
   * overhead (a byte-level BPE never makes more tokens than bytes). Costs a pass over the chars.
   */
  public long upperBound(List<ChatMessage> messages) {
    long n = PRIMING;
    for (ChatMessage m : messages) {
      n += PER_MESSAGE + utf8Length(m.content());
      if (m.toolCallId() != null) {
        n += utf8Length(m.toolCallId());
      }
      for (ToolCall c : m.toolCalls()) {
        n += PER_TOOL + utf8Length(c.id()) + utf8Length(c.name()) + utf8Length(c.argumentsJson());
      }
    }
    return n;
  }

  /** The exact count, or the byte bound for text the encoder refuses (a lone surrogate is not UTF-8). */
  private static long exactOrBound(Encoding encoding, String text, int from, int to) {
    String piece = from == 0 && to == text.length() ? text : text.substring(from, to);
    try {
      return encoding.countTokensOrdinary(piece);
    } catch (IllegalArgumentException notUtf8) {
      return utf8Length(piece);
    }
  }

  static long utf8Length(String s) {
    return utf8Length(s, 0, s.length());
  }

  private static long utf8Length(String s, int from, int to) {
    if (to - from < 256) {
      long extra = 0;
      for (int i = from; i < to; i++) {
        extra += extraUtf8Bytes(s.charAt(i));
      }
      return (to - from) + extra;
    }
    // Long texts in chunks copied to an array (the thread's own, reused): a loop over a char[]
    // without branches compiles to vector instructions; with charAt and branches this loop was
    // the largest cost of a 64 KB prompt.
    char[] chunk = CHUNK.get();
    long bytes = to - from;
    for (int at = from; at < to; at += chunk.length) {
      int n = Math.min(chunk.length, to - at);
      s.getChars(at, at + n, chunk, 0);
      int any = 0; // most text is ASCII: one OR over the chunk says so, without counting
      for (int i = 0; i < n; i++) {
        any |= chunk[i];
      }
      if (any >= 0x80) {
        int extra = 0;
        for (int i = 0; i < n; i++) {
          extra += extraUtf8Bytes(chunk[i]);
        }
        bytes += extra;
      }
    }
    return bytes;
  }

  private static final ThreadLocal<char[]> CHUNK = ThreadLocal.withInitial(() -> new char[1024]);

  /** UTF-8 bytes beyond one: one more from U+0080, one more from U+0800 except for a surrogate (a pair is four). */
  private static int extraUtf8Bytes(int c) {
    return ((0x7F - c) >>> 31) + ((0x7FF - c) >>> 31) - ((((c & 0xF800) ^ 0xD800) - 1) >>> 31);
  }




  private Optional<Encoding> encoding(String model) {
    Optional<Encoding> known = byModel.get(model);
    return known != null ? known : byModel.computeIfAbsent(model, this::lookUp);
  }

  private Optional<Encoding> lookUp(String model) {
    String name = model.substring(model.lastIndexOf('/') + 1);
    // Before jtokkit's own lookup, which maps any "gpt-4..." name (gpt-4.1 included) to cl100k by its prefix.
    if (name.startsWith("gpt-4o") || name.startsWith("gpt-4.1") || name.startsWith("gpt-4.5") || name.startsWith("gpt-5")
        || name.startsWith("o1") || name.startsWith("o3") || name.startsWith("o4") || name.startsWith("gpt-oss")) {
      return Optional.of(registry.getEncoding(EncodingType.O200K_BASE));
    }
    Optional<Encoding> known = registry.getEncodingForModel(name);
    if (known.isPresent()) {
      return known;
    }
    if (name.startsWith("gpt-4") || name.startsWith("gpt-3.5")) {
      return Optional.of(registry.getEncoding(EncodingType.CL100K_BASE));
    }
    return Optional.empty();
  }
}
