package dev.sluice.guardrail;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a guardrail decided, after LangChain4j's guardrail results: pass, rewrite (new text, e.g.
 * redacted), block (with a reason), or reprompt (an instruction for another attempt, output only).
 * A block fails the call with {@link dev.sluice.outcome.GuardrailBlockedException}, which the route's
 * fallback links with the {@code GUARDRAIL_BLOCKED} trigger answer. Reasons never quote the
 * offending text.
 */
public final class GuardrailResult {

  /** The kinds of result; the lower-case name is the {@code result} meter tag. */
  public enum Kind {
    PASS,
    REWRITE,
    BLOCK,
    REPROMPT;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final GuardrailResult PASS = new GuardrailResult(Kind.PASS, null, "", 0);

  private final Kind kind;
  private final @Nullable String text;
  private final String reason;
  private final double score;

  private GuardrailResult(Kind kind, @Nullable String text, String reason, double score) {
    this.kind = kind;
    this.text = text;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.score = score;
  }

  public static GuardrailResult pass() {
    return PASS;
  }

  /** Passes with a score (a detector below its threshold), for the audit trail. */
  public static GuardrailResult pass(double score) {
    return score == 0 ? PASS : new GuardrailResult(Kind.PASS, null, "", score);
  }

  /** Replaces the checked text with {@code newText}. */
  public static GuardrailResult rewrite(String newText, String reason) {
    return new GuardrailResult(Kind.REWRITE, Objects.requireNonNull(newText, "newText"), reason, 0);
  }

  public static GuardrailResult block(String reason) {
    return new GuardrailResult(Kind.BLOCK, null, reason, 0);
  }

  public static GuardrailResult block(String reason, double score) {
    return new GuardrailResult(Kind.BLOCK, null, reason, score);
  }

  /** Output only: fail this attempt and try again with {@code instruction} added to the request. */
  public static GuardrailResult reprompt(String instruction) {
    return new GuardrailResult(Kind.REPROMPT, Objects.requireNonNull(instruction, "instruction"), "reprompt", 0);
  }

  public Kind kind() {
    return kind;
  }

  /** The new text of a rewrite, or the instruction of a reprompt. */
  public @Nullable String text() {
    return text;
  }

  public String reason() {
    return reason;
  }

  /** A detector's score, 0 if it has none. */
  public double score() {
    return score;
  }

  @Override
  public String toString() {
    return kind.tag() + (reason.isEmpty() ? "" : "(" + reason + ")");
  }
}
