package dev.sluice.model;

/** Who wrote a {@link ChatMessage}, in the OpenAI chat vocabulary. */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT,
  TOOL;

  /** The lower-case wire name, e.g. {@code "user"}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
