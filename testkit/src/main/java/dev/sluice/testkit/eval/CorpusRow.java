package dev.sluice.testkit.eval;

/**
 * One row of the guardrail development corpus (JSON Lines with exactly these fields).
 *
 * @param text the text
 * @param label {@code injection}, {@code benign}, {@code refusal}, {@code partial_refusal} or {@code compliance}
 * @param source where the row comes from: repository, file and sub-source
 * @param role the message role it plays: {@code user}, {@code tool} or {@code assistant}
 */
public record CorpusRow(String text, String label, String source, String role) {

  public boolean is(String label) {
    return this.label.equals(label);
  }
}
