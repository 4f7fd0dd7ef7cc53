package dev.sluice.guardrails;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.InputGuardrail;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallContext;
import dev.sluice.pipeline.CallKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Personal-data guardrails built on {@link PiiDetector}.
 *
 * <ul>
 *   <li>{@link #redacting(Operator)}: an input guardrail that replaces each match — with a typed
 *       placeholder ({@code <EMAIL_1>}), a mask ({@code ************1111}) or a hash
 *       ({@code <EMAIL:9f86d081>}). Placeholders go into a per-call vault;
 *   <li>{@link #restoring()}: an output guardrail that puts the vault's originals back into the
 *       answer, so the model never saw them and the user still gets them;
 *   <li>{@link #blockingLeaks()}: an output guardrail that blocks an answer carrying personal data
 *       the input did not.
 * </ul>
 */
public final class Pii {

  /** How a match is replaced. */
  public enum Operator {
    PLACEHOLDER,
    MASK,
    HASH
  }

  /** The call's vault: placeholders to original values and back. */
  static final CallKey<PiiVault> VAULT = CallKey.of("pii_vault");

  private Pii() {}

  public static InputGuardrail redacting(Operator operator) {
    return redacting(operator, new PiiDetector());
  }

  /** Typed placeholders, restored in the output by {@link #restoring()}. */
  public static InputGuardrail redacting() {
    return redacting(Operator.PLACEHOLDER);
  }

  public static InputGuardrail redacting(Operator operator, PiiDetector detector) {
    return new InputGuardrail() {
      @Override
      public String name() {
        return "pii";
      }

      @Override
      public GuardrailResult check(String text, CallContext call) {
        List<PiiMatch> found = detector.find(text);
        if (found.isEmpty()) {
          return GuardrailResult.pass();
        }
        PiiVault vault = vault(call);
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (PiiMatch m : found) {
          out.append(text, at, m.start());
          out.append(replacement(operator, m, vault));
          at = m.end();
        }
        out.append(text, at, text.length());
        String kinds = found.stream().map(m -> m.entity().tag()).distinct().sorted().collect(Collectors.joining(","));
        return GuardrailResult.rewrite(out.toString(), "redacted " + found.size() + " item(s): " + kinds);
      }
    };
  }

  /** Restores the vault's placeholders in the answer. */
  public static OutputGuardrail restoring() {
    return new OutputGuardrail() {
      @Override
      public String name() {
        return "pii-restore";
      }

      /** Judges any piece of an answer: on a stream, each piece before it reaches the caller. */
      @Override
      public boolean checksPartialText() {
        return true;
      }

      @Override
      public GuardrailResult check(ChatResponse response, CallContext call) {
        PiiVault vault = call.get(VAULT);
        if (vault == null || vault.isEmpty()) {
          return GuardrailResult.pass();
        }
        String text = response.text();
        String restored = vault.restore(text);
        return restored == text ? GuardrailResult.pass() : GuardrailResult.rewrite(restored, "restored placeholders");
      }
    };
  }

  /** Blocks answers that contain personal data of these kinds (by default all but custom patterns). */
  public static OutputGuardrail blockingLeaks() {
    return blockingLeaks(Set.of(PiiEntity.EMAIL, PiiEntity.IBAN, PiiEntity.CREDIT_CARD, PiiEntity.US_SSN, PiiEntity.PHONE));
  }

  public static OutputGuardrail blockingLeaks(Set<PiiEntity> kinds) {
    PiiDetector detector = new PiiDetector();
    return new OutputGuardrail() {
      @Override
      public String name() {
        return "pii-leak";
      }

      /** Judges any piece of an answer: on a stream, each piece before it reaches the caller. */
      @Override
      public boolean checksPartialText() {
        return true;
      }

      @Override
      public GuardrailResult check(ChatResponse response, CallContext call) {
        List<PiiMatch> inAnswer = detector.find(response.text());
        if (inAnswer.isEmpty()) {
          return GuardrailResult.pass();
        }
        // What the user gave, found the same way: one set lookup per match instead of a search of the whole input.
        Set<String> given = new HashSet<>();
        for (var message : call.request().messages()) {
          for (PiiMatch m : detector.find(message.content())) {
            given.add(m.value());
          }
        }
        // What the input guardrail redacted the user gave too: the request now holds placeholders for it.
        PiiVault vault = call.get(VAULT);
        if (vault != null) {
          given.addAll(vault.asMap().values());
        }
        for (PiiMatch m : inAnswer) {
          if (kinds.contains(m.entity()) && !given.contains(m.value())) {
            return GuardrailResult.block("the answer contains " + m.entity().tag() + " data the user did not give");
          }
        }
        return GuardrailResult.pass();
      }
    };
  }

  static PiiVault vault(CallContext call) {
    return call.computeIfAbsent(VAULT, PiiVault::new);
  }

  private static String replacement(Operator op, PiiMatch m, PiiVault vault) {
    return switch (op) {
      case PLACEHOLDER -> vault.placeholder(m.entity(), m.value());
      case MASK -> {
        String v = m.value();
        int keep = Math.min(4, v.length() / 4);
        yield "*".repeat(v.length() - keep) + v.substring(v.length() - keep);
      }
      case HASH -> "<" + m.entity().name() + ":" + sha256(m.value()).substring(0, 8) + ">";
    };
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
