package dev.sluice.guardrails;

import dev.sluice.model.Role;
import java.util.Objects;

/**
 * One labelled text for {@link InjectionModel#train}.
 *
 * @param text the text as the model would see it in a message of {@code role}
 * @param role the message role it arrives in: thresholds are chosen per role
 * @param injection whether it is, or carries, a prompt injection
 */
public record TrainingText(String text, Role role, boolean injection) {

  public TrainingText {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(role, "role");
  }
}
