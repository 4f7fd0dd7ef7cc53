package dev.sluice.guardrails;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.InputGuardrail;
import dev.sluice.pipeline.CallContext;
import java.text.Normalizer;
import org.jspecify.annotations.Nullable;

/**
 * Normalises input to NFKC and removes characters a person cannot see but a model reads: format
 * characters (Cf: zero-width spaces and joiners, bidi controls), private-use (Co), unassigned
 * (Cn) and the Unicode tag block (U+E0000-U+E007F, used to smuggle ASCII instructions). Rewrites
 * by default; {@link #blocking()} blocks instead.
 */
public final class InvisibleText implements InputGuardrail {

  private final boolean block;

  public InvisibleText() {
    this(false);
  }

  private InvisibleText(boolean block) {
    this.block = block;
  }

  public static InvisibleText blocking() {
    return new InvisibleText(true);
  }

  @Override
  public String name() {
    return "invisible-text";
  }

  /**
   * Text below U+00A0 (ASCII and the C1 controls) is already NFKC and has no invisible character
   * (controls are Cc, not Cf): it passes after one scan, without normalising or copying it.
   */
  @Override
  public GuardrailResult check(String text, CallContext call) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0xA0) {
        return checkNormalized(text);
      }
    }
    return GuardrailResult.pass();
  }

  /** The full check: NFKC, then every code point's category. */
  GuardrailResult checkNormalized(String text) {
    String normalized = Normalizer.normalize(text, Normalizer.Form.NFKC);
    // The copy without invisible characters is started at the first one: most texts have none.
    @Nullable StringBuilder out = null;
    int removed = 0;
    for (int i = 0; i < normalized.length(); ) {
      char c = normalized.charAt(i);
      if (c < 0xA0) { // below U+00A0 nothing is invisible (controls are Cc): no category lookup
        if (out != null) {
          out.append(c);
        }
        i++;
        continue;
      }
      int cp = normalized.codePointAt(i);
      if (invisible(cp)) {
        if (out == null) {
          out = new StringBuilder(normalized.length()).append(normalized, 0, i);
        }
        removed++;
      } else if (out != null) {
        out.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    if (out == null) {
      return normalized.equals(text) ? GuardrailResult.pass() : GuardrailResult.rewrite(normalized, "normalised to NFKC");
    }
    return block ? GuardrailResult.block(removed + " invisible character(s)")
        : GuardrailResult.rewrite(out.toString(), "removed " + removed + " invisible character(s)");
  }

  static boolean invisible(int cp) {
    if (cp >= 0xE0000 && cp <= 0xE007F) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.FORMAT || type == Character.PRIVATE_USE || type == Character.UNASSIGNED;
  }
}
