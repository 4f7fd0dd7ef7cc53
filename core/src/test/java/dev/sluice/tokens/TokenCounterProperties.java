package dev.sluice.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;

/** The cheap bound budgets may reserve with is never below the exact count; cached system prompts count the same. */
class TokenCounterProperties {

  final TokenCounter counter = new TokenCounter();
  final TokenCounter other = new TokenCounter();
  static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

  @Property(tries = 60)
  void theByteBoundIsNeverBelowTheExactCount(@ForAll @StringLength(max = 80) String user, @ForAll @StringLength(max = 80) String system) {
    List<ChatMessage> messages = List.of(ChatMessage.system(system), ChatMessage.user(user));
    for (String model : List.of("gpt-4o-mini", "gpt-4", "claude-sonnet-4")) {
      assertThat(counter.upperBound(messages)).isGreaterThanOrEqualTo(counter.countInput(model, messages));
    }
    assertThat(TokenCounter.utf8Length(user)).isEqualTo(user.getBytes(StandardCharsets.UTF_8).length);
  }

  @Property(tries = 50)
  void aRememberedSystemPromptCountsTheSameAsAFreshOne(@ForAll @StringLength(min = 1, max = 120) String system) {
    List<ChatMessage> messages = List.of(ChatMessage.system(system), ChatMessage.user("hi"));
    long first = counter.countInput("gpt-4o-mini", messages);
    long again = counter.countInput("gpt-4o-mini", messages);
    long fresh = other.countInput("gpt-4o-mini", List.of(ChatMessage.system(new String(system)), ChatMessage.user("hi")));
    assertThat(again).isEqualTo(first).isEqualTo(fresh)
        .isEqualTo(TokenCounter.PRIMING + 2L * TokenCounter.PER_MESSAGE + counter.count("gpt-4o-mini", system) + counter.count("gpt-4o-mini", "hi"));
  }

  /** Cutting before a space that follows a letter or digit never changes the count (small pieces, so every text is cut often). */
  @Property(tries = 400)
  void countingInPiecesIsExact(@ForAll @StringLength(max = 400) @CharRange(from = 'a', to = 'z') @CharRange(from = 'A', to = 'Z')
      @CharRange(from = '0', to = '9') @Chars({' ', ' ', ' ', '\n', '\t', '\r', '\'', '.', ',', '!', '-', '/', '\u00a0', '\u3000', 'é', 'ß',
          '中', '文', '\u0301'}) String text) {
    for (EncodingType type : List.of(EncodingType.O200K_BASE, EncodingType.CL100K_BASE)) {
      Encoding e = REGISTRY.getEncoding(type);
      assertThat(TokenCounter.countInPieces(e, text, 4, 100_000)).as("%s: %s", type, text).isEqualTo(e.countTokensOrdinary(text));
    }
  }

  /** A piece with no cut point counts at its byte bound: never below the exact count. */
  @Property(tries = 100)
  void aBlobCountsAtItsByteBound(@ForAll @StringLength(min = 1, max = 300) String text) {
    Encoding e = REGISTRY.getEncoding(EncodingType.O200K_BASE);
    assertThat(TokenCounter.countInPieces(e, text, 4, 3)).isGreaterThanOrEqualTo(e.countTokensOrdinary(text));
  }

  @Example
  void aLoneSurrogateCountsAtItsBoundInsteadOfFailing() {
    String text = "abc \ud83d def".repeat(300);
    assertThat(counter.count("gpt-4o-mini", text)).isPositive().isLessThanOrEqualTo(TokenCounter.utf8Length(text));
  }

  @Example
  void gpt41AndOtherO200kModelsCountWithO200k() {
    String text = "Résumé: 東京で会いましょう — see you in Tokyo!";
    long o200k = REGISTRY.getEncoding(EncodingType.O200K_BASE).countTokensOrdinary(text);
    assertThat(REGISTRY.getEncoding(EncodingType.CL100K_BASE).countTokensOrdinary(text)).as("the encodings differ on this text").isNotEqualTo(o200k);
    for (String model : List.of("gpt-4.1-nano", "gpt-4.1", "openai/gpt-4.1-mini", "gpt-4o-mini", "o3-mini", "gpt-5")) {
      assertThat(counter.count(model, text)).as(model).isEqualTo(o200k);
    }
    assertThat(counter.count("gpt-4", text)).isEqualTo(REGISTRY.getEncoding(EncodingType.CL100K_BASE).countTokensOrdinary(text));
  }

  @Example
  void unknownModelsCountBytesAndKnownOnesCountFewerTokens() {
    String text = "How do I reset my password? I tried twice already.";
    assertThat(counter.isExact("claude-sonnet-4")).isFalse();
    assertThat(counter.count("claude-sonnet-4", text)).isEqualTo(text.length());
    assertThat(counter.isExact("openai/gpt-4o-mini")).isTrue();
    assertThat(counter.count("openai/gpt-4o-mini", text)).isBetween(8L, 16L);
  }

  @Property(tries = 20)
  void aRememberedLongTextCountsTheSameAsAFreshOneAndOnlyIdenticalTextsShare(
      @ForAll @StringLength(min = 10, max = 60) @CharRange(from = 'a', to = 'z') @Chars({' ', '.', '\n'}) String unit) {
    TokenCounter remembering = new TokenCounter();
    String doc = unit.repeat(TokenCounter.REMEMBERED_FROM / unit.length() + 1);
    long first = remembering.count("gpt-4o-mini", doc);
    long again = remembering.count("gpt-4o-mini", new String(doc));
    assertThat(again).isEqualTo(first).isEqualTo(TokenCounter.countInPieces(REGISTRY.getEncoding(EncodingType.O200K_BASE), doc));
    assertThat(remembering.rememberedLongTexts()).isEqualTo(1);
    // One character changed, or another model: counted afresh, not taken from the memory.
    String edited = doc.substring(0, doc.length() / 2) + "Z" + doc.substring(doc.length() / 2 + 1);
    assertThat(remembering.count("gpt-4o-mini", edited)).isEqualTo(TokenCounter.countInPieces(REGISTRY.getEncoding(EncodingType.O200K_BASE), edited));
    assertThat(remembering.count("gpt-4", doc)).isEqualTo(TokenCounter.countInPieces(REGISTRY.getEncoding(EncodingType.CL100K_BASE), doc));
    assertThat(remembering.rememberedLongTexts()).isEqualTo(3);
  }

  @Property(tries = 200)
  void theChunkedByteCountOfALongTextIsTheCharacterByCharacterOne(@ForAll @StringLength(min = 256, max = 3000) String text) {
    assertThat(TokenCounter.utf8Length(text)).isEqualTo(charByChar(text));
  }

  /** Mostly ASCII, so that whole chunks take the ASCII shortcut and others do not. */
  @Property(tries = 200)
  void theChunkedByteCountOfMostlyAsciiTextIsTheCharacterByCharacterOne(
      @ForAll @StringLength(min = 256, max = 5000) @CharRange(from = 'a', to = 'z') @Chars({' ', '\u007F', '\u0080', '\u07FF', '\u0800', '中',
          '\uD83D', '\uDE00', '\uFFFF'}) String text) {
    assertThat(TokenCounter.utf8Length(text)).isEqualTo(charByChar(text));
    String ascii = text.replaceAll("[^\\x00-\\x7F]", "x");
    assertThat(TokenCounter.utf8Length(ascii)).isEqualTo(ascii.length());
  }

  static long charByChar(String text) {
    return text.chars().map(c -> c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate((char) c) ? 2 : 3).sum();
  }

  @Example
  void aStopEndsExactCountingAtOnceTheRestCountsAtItsBoundAndNothingCutIsRemembered() {
    TokenCounter fresh = new TokenCounter();
    dev.sluice.model.ChatRequest request = dev.sluice.model.ChatRequest.ofUser("word and another word. ".repeat(5_000));
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    long stopped = fresh.countInput("gpt-4o-mini", request, () -> asked.incrementAndGet() > 3);
    assertThat(asked.get()).as("asked before each piece until told to stop, then not again for that text").isLessThan(8);
    assertThat(fresh.rememberedLongTexts()).as("a count cut short is not remembered").isZero();
    long exact = fresh.countInput("gpt-4o-mini", request);
    assertThat(stopped).isGreaterThan(exact).isLessThanOrEqualTo(fresh.upperBound(request));
    assertThat(fresh.countInput("gpt-4o-mini", request, () -> true)).as("stopped before it began: the bound").isEqualTo(fresh.upperBound(request));
  }
}
