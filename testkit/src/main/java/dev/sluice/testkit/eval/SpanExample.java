package dev.sluice.testkit.eval;

import java.util.List;

/**
 * A text with labelled spans (presidio's format).
 *
 * @param text the text
 * @param spans the labelled spans
 */
public record SpanExample(String text, List<Span> spans) {

  /**
   * One labelled span.
   *
   * @param type the entity type, e.g. {@code EMAIL_ADDRESS}
   * @param start first character
   * @param end one past the last
   */
  public record Span(String type, int start, int end) {}
}
