package dev.sluice.release;

import dev.sluice.outcome.CallRejectedException;
import dev.sluice.outcome.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A prompt with named variables, {@code {{question}}} or {@code {{ tenant }}}, filled from the call
 * when a release sends its request. A variable's name is a letter followed by letters, digits,
 * {@code _}, {@code -} or {@code .}; anything else between braces is text, as written. Parsed once,
 * in one pass; rendering is one pass over the parts.
 *
 * <pre>{@code
 * PromptTemplate t = PromptTemplate.of("You answer for {{tenant}}. Be brief.");
 * t.variables();                          // [tenant]
 * t.render(Map.of("tenant", "acme")::get); // "You answer for acme. Be brief."
 * }</pre>
 */
public final class PromptTemplate {

  /** The longest template. */
  public static final int MAX_CHARS = 256 * 1024;
  /** The longest rendered prompt: beyond it a call is rejected ({@code input_too_large}). */
  public static final int MAX_RENDERED_CHARS = 4 << 20;
  /** The longest variable name. */
  public static final int MAX_NAME_CHARS = 64;

  private final String text;
  /** Literal text at even indexes, variable names at odd ones. */
  private final String[] parts;
  private final Set<String> variables;

  private PromptTemplate(String text) {
    this.text = text;
    List<String> p = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    int n = text.length();
    while (i < n) {
      int open = text.indexOf("{{", i);
      if (open < 0) {
        literal.append(text, i, n);
        break;
      }
      literal.append(text, i, open);
      int end = variableEnd(text, open);
      if (end < 0) {
        literal.append("{{");
        i = open + 2;
        continue;
      }
      p.add(literal.toString());
      literal.setLength(0);
      String name = text.substring(open + 2, end - 2).strip();
      p.add(name);
      names.add(name);
      i = end;
    }
    p.add(literal.toString());
    this.parts = p.toArray(String[]::new);
    this.variables = Set.copyOf(names);
  }

  /** The end (after {@code }}}) of a variable opening at {@code open}, or -1 if it is text. */
  private static int variableEnd(String s, int open) {
    int i = open + 2;
    int n = s.length();
    while (i < n && s.charAt(i) == ' ') {
      i++;
    }
    int start = i;
    if (i >= n || !Character.isLetter(s.charAt(i))) {
      return -1;
    }
    while (i < n && i - start <= MAX_NAME_CHARS && isNameChar(s.charAt(i))) {
      i++;
    }
    if (i - start > MAX_NAME_CHARS) {
      return -1;
    }
    while (i < n && s.charAt(i) == ' ') {
      i++;
    }
    return i + 1 < n && s.charAt(i) == '}' && s.charAt(i + 1) == '}' ? i + 2 : -1;
  }

  private static boolean isNameChar(char c) {
    return c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.');
  }

  /**
   * The template of {@code text}.
   *
   * @throws InvalidConfigurationException when it is longer than {@value #MAX_CHARS} characters
   */
  public static PromptTemplate of(String text) {
    Objects.requireNonNull(text, "template");
    if (text.length() > MAX_CHARS) {
      throw new InvalidConfigurationException("template", "has " + text.length() + " characters; at most " + MAX_CHARS);
    }
    return new PromptTemplate(text);
  }

  /** The template as written. */
  public String text() {
    return text;
  }

  /** The variables it names, each once. */
  public Set<String> variables() {
    return variables;
  }

  /** Whether it names no variable: it renders as written. */
  public boolean isConstant() {
    return parts.length == 1;
  }

  /** The first variable {@code values} does not give, or null when it gives them all. */
  public @Nullable String missing(Function<String, @Nullable String> values) {
    for (int i = 1; i < parts.length; i += 2) {
      if (values.apply(parts[i]) == null) {
        return parts[i];
      }
    }
    return null;
  }

  /**
   * The prompt with each variable replaced by its value.
   *
   * @throws CallRejectedException reason {@code template_variable_missing} naming the variable (never
   *     a value), or {@code input_too_large} beyond {@value #MAX_RENDERED_CHARS} characters
   */
  public String render(Function<String, @Nullable String> values) {
    if (isConstant()) {
      return parts[0];
    }
    long length = 0;
    String[] filled = new String[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (i % 2 == 1) {
        part = values.apply(part);
        if (part == null) {
          throw missingVariable(parts[i]);
        }
      }
      filled[i] = part;
      length += part.length();
    }
    if (length > MAX_RENDERED_CHARS) {
      throw new CallRejectedException("input_too_large", "the rendered prompt would have " + length + " characters; at most "
          + MAX_RENDERED_CHARS);
    }
    StringBuilder out = new StringBuilder((int) length);
    for (String f : filled) {
      out.append(f);
    }
    return out.toString();
  }

  static CallRejectedException missingVariable(String name) {
    return new CallRejectedException("template_variable_missing", "the prompt template needs the variable '" + name
        + "', which the call does not give: set it with ChatRequest.builder().variable(\"" + name + "\", ...), or as a subject "
        + "attribute");
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof PromptTemplate t && t.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return "PromptTemplate[" + text.length() + " chars, variables=" + variables + "]";
  }
}
