package dev.sluice.testkit.eval;

import dev.sluice.model.Role;

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

  /** The message role the row plays, read from its wire name. */
  public Role messageRole() {
    for (Role r : Role.values()) {
      if (r.wireName().equals(role)) {
        return r;
      }
    }
    throw new IllegalArgumentException("role '" + role + "' of a row from " + source + " is none of system, user, assistant, tool");
  }
}
