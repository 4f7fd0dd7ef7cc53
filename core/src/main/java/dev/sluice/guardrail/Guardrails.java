package dev.sluice.guardrail;

import dev.sluice.internal.Checks;
import dev.sluice.model.Role;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A route's guardrails: input checks in order, output checks in order, and how many reprompts an
 * output guardrail may ask for in one call.
 *
 * <p>An input guardrail checks the messages of the roles it is registered for: {@code input(g)}
 * every role (system, user, assistant history, tool results), {@code input(roles, g)} only those.
 *
 * <pre>{@code
 * Guardrails g = Guardrails.builder()
 *     .input(new InvisibleText(), new PromptInjection())           // every message
 *     .input(Set.of(Role.USER, Role.ASSISTANT), Pii.redacting())   // not the system prompt nor tool results
 *     .output(JsonSchemaGuardrail.of(schema), Pii.restoring())
 *     .maxReprompts(2)
 *     .build();
 * }</pre>
 */
public final class Guardrails {

  public static final Guardrails NONE = builder().build();

  /**
   * An input guardrail and the roles of the messages it checks.
   *
   * @param guardrail the guardrail
   * @param roles the roles it checks, not empty
   */
  public record InputCheck(InputGuardrail guardrail, Set<Role> roles) {
    public InputCheck {
      roles = Set.copyOf(roles);
      if (roles.isEmpty()) {
        throw new IllegalArgumentException("guardrail " + guardrail.name() + ": no roles to check");
      }
    }
  }

  private final List<InputCheck> inputChecks;
  private final List<InputGuardrail> input;
  private final List<OutputGuardrail> output;
  private final int maxReprompts;
  private final int streamWindowChars;

  /** The default {@link #streamWindowChars()}: longer than any secret or placeholder the built-in guardrails look for. */
  public static final int DEFAULT_STREAM_WINDOW_CHARS = 512;

  private Guardrails(Builder b) {
    this.streamWindowChars = Checks.atLeast("guardrails.streamWindowChars", b.streamWindowChars, 16);
    this.inputChecks = List.copyOf(b.input);
    this.input = inputChecks.stream().map(InputCheck::guardrail).toList();
    this.output = List.copyOf(b.output);
    this.maxReprompts = Checks.atLeast("guardrails.maxReprompts", b.maxReprompts, 0);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every input guardrail, in order, whatever roles it checks. */
  public List<InputGuardrail> input() {
    return input;
  }

  /** The input guardrails with the roles each checks, in order. */
  public List<InputCheck> inputChecks() {
    return inputChecks;
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
    private final List<InputCheck> input = new ArrayList<>();
    private final List<OutputGuardrail> output = new ArrayList<>();
    private int maxReprompts = 1;
    private int streamWindowChars = DEFAULT_STREAM_WINDOW_CHARS;

    /** See {@link Guardrails#streamWindowChars()}; at least 16, default {@value Guardrails#DEFAULT_STREAM_WINDOW_CHARS}. */
    public Builder streamWindowChars(int chars) {
      this.streamWindowChars = chars;
      return this;
    }

    /** Adds guardrails that check every message: system, user, assistant and tool. */
    public Builder input(InputGuardrail... guardrails) {
      return input(EnumSet.allOf(Role.class), guardrails);
    }

    /** Adds guardrails that check only the messages of {@code roles}. */
    public Builder input(Set<Role> roles, InputGuardrail... guardrails) {
      for (InputGuardrail g : guardrails) {
        input.add(new InputCheck(g, roles));
      }
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
