package dev.sluice.release;

import dev.sluice.model.ModelParameters;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * What a release's content hashes to, so a version label cannot lie about it: the first 16 hex
 * digits of a SHA-256 over a canonical form (each field named, length-prefixed, in a fixed order).
 * {@link #prompt} covers what a {@code promptVersion} names (the system prompt and the sampling
 * parameters); {@link #release} adds the provider and the model. Ids and labels are not content.
 */
public final class ContentFingerprint {

  private ContentFingerprint() {}

  /** The prompt's fingerprint: system prompt and parameters. */
  public static String prompt(@Nullable String systemPrompt, ModelParameters parameters) {
    return prompt(systemPrompt, null, parameters);
  }

  /** The prompt's fingerprint: system and user prompt templates (as written) and parameters. */
  public static String prompt(@Nullable String systemPrompt, @Nullable String userPrompt, ModelParameters parameters) {
    return prompt(systemPrompt, userPrompt, null, parameters);
  }

  /**
   * The prompt's fingerprint: system and user prompt templates (as written), the response format
   * asked for ({@link #responseFormat}) and parameters.
   */
  public static String prompt(@Nullable String systemPrompt, @Nullable String userPrompt, @Nullable String responseFormat,
      ModelParameters parameters) {
    StringBuilder canonical = new StringBuilder("sluice-prompt-v1");
    field(canonical, "system_prompt", systemPrompt);
    optional(canonical, "user_prompt", userPrompt);
    optional(canonical, "response_format", responseFormat);
    parameters(canonical, parameters);
    return digest(canonical);
  }

  /** The release's fingerprint: provider, model, system prompt and parameters. */
  public static String release(String provider, String model, @Nullable String systemPrompt, ModelParameters parameters) {
    return release(provider, model, systemPrompt, null, parameters);
  }

  /** The release's fingerprint: provider, model, prompt templates and parameters. */
  public static String release(String provider, String model, @Nullable String systemPrompt, @Nullable String userPrompt,
      ModelParameters parameters) {
    return release(provider, model, systemPrompt, userPrompt, null, parameters);
  }

  /** The release's fingerprint: provider, model, prompt templates, response format and parameters. */
  public static String release(String provider, String model, @Nullable String systemPrompt, @Nullable String userPrompt,
      @Nullable String responseFormat, ModelParameters parameters) {
    StringBuilder canonical = new StringBuilder("sluice-release-v1");
    field(canonical, "provider", provider);
    field(canonical, "model", model);
    field(canonical, "system_prompt", systemPrompt);
    optional(canonical, "user_prompt", userPrompt);
    optional(canonical, "response_format", responseFormat);
    parameters(canonical, parameters);
    return digest(canonical);
  }

  private static void parameters(StringBuilder out, ModelParameters p) {
    field(out, "temperature", p.temperature() == null ? null : String.valueOf(p.temperature()));
    field(out, "top_p", p.topP() == null ? null : String.valueOf(p.topP()));
    field(out, "max_output_tokens", p.maxOutputTokens() == null ? null : String.valueOf(p.maxOutputTokens()));
    field(out, "seed", p.seed() == null ? null : String.valueOf(p.seed()));
    out.append("\nstop=").append(p.stop().size());
    for (String s : p.stop()) {
      out.append(':').append(s.length()).append(':').append(s);
    }
  }

  /** A response format's canonical text, or null for plain text (then absent from the fingerprint). */
  public static @Nullable String responseFormat(dev.sluice.model.@Nullable ResponseFormat format) {
    if (format == null || !format.wantsJson()) {
      return null;
    }
    StringBuilder out = new StringBuilder(format.type().name());
    field(out, "name", format.schemaName());
    field(out, "schema", format.schema());
    return out.toString();
  }

  /** A field that older fingerprints did not have: written only when present, so theirs stay as they were. */
  private static void optional(StringBuilder out, String name, @Nullable String value) {
    if (value != null) {
      field(out, name, value);
    }
  }

  /** A field as {@code \nname=length:value}, or {@code \nname=-} when absent: no value can imitate another field. */
  private static void field(StringBuilder out, String name, @Nullable String value) {
    out.append('\n').append(name).append('=');
    if (value == null) {
      out.append('-');
    } else {
      out.append(value.length()).append(':').append(value);
    }
  }

  private static String digest(CharSequence canonical) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
