package dev.sluice.guardrail;

import dev.sluice.internal.Checks;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's guardrails: input checks in order, output checks in order, and how many reprompts an
 * output guardrail may ask for in one call.
 *
 * <pre>{@code
 * Guardrails g = Guardrails.builder()
 *     .input(new InvisibleText(), Pii.redacting(), new PromptInjection())
 *     .output(JsonSchemaGuardrail.of(schema), Pii.restoring())
 *     .maxReprompts(2)
 *     .build();
 * }</pre>
 */
public final class Guardrails {

  public static final Guardrails NONE = builder().build();

  private final List<InputGuardrail> input;
  private final List<OutputGuardrail> output;
  private final int maxReprompts;
  private final int streamWindowChars;

  /** The default {@link #streamWindowChars()}: longer than any secret or placeholder the built-in guardrails look for. */
  public static final int DEFAULT_STREAM_WINDOW_CHARS = 512;

  private Guardrails(Builder b) {
    this.streamWindowChars = Checks.atLeast("guardrails.streamWindowChars", b.streamWindowChars, 16);
    this.input = List.copyOf(b.input);
    this.output = List.copyOf(b.output);
    this.maxReprompts = Checks.atLeast("guardrails.maxReprompts", b.maxReprompts, 0);
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<InputGuardrail> input() {
    return input;
  }

  public List<OutputGuardrail> output() {
    return output;
  }

  public int maxReprompts() {
    return maxReprompts;
  }

  /**
   * On a streamed call, how much text the output guardrails that check partial text hold back
   * before it reaches the caller: text is released in pieces of at least this many characters,
   * cut at white space, each checked together with the last this-many characters before it, so a
   * secret or a placeholder split over two chunks is seen whole. Longer means later text and more
   * checking; it must exceed the longest thing a guardrail looks for.
   */
  public int streamWindowChars() {
    return streamWindowChars;
  }

  /** Builds {@link Guardrails}. */
  public static final class Builder {
    private final List<InputGuardrail> input = new ArrayList<>();
    private final List<OutputGuardrail> output = new ArrayList<>();
    private int maxReprompts = 1;
    private int streamWindowChars = DEFAULT_STREAM_WINDOW_CHARS;

    /** See {@link Guardrails#streamWindowChars()}; at least 16, default {@value Guardrails#DEFAULT_STREAM_WINDOW_CHARS}. */
    public Builder streamWindowChars(int chars) {
      this.streamWindowChars = chars;
      return this;
    }

    public Builder input(InputGuardrail... guardrails) {
      input.addAll(List.of(guardrails));
      return this;
    }

    public Builder output(OutputGuardrail... guardrails) {
      output.addAll(List.of(guardrails));
      return this;
    }

    public Builder maxReprompts(int n) {
      this.maxReprompts = n;
      return this;
    }

    public Guardrails build() {
      return new Guardrails(this);
    }
  }
}
