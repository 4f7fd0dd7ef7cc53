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

  private Guardrails(Builder b) {
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

  /** Builds {@link Guardrails}. */
  public static final class Builder {
    private final List<InputGuardrail> input = new ArrayList<>();
    private final List<OutputGuardrail> output = new ArrayList<>();
    private int maxReprompts = 1;

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
