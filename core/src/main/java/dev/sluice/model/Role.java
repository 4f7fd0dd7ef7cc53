package dev.sluice.model;

/** Who wrote a {@link ChatMessage}, in the OpenAI chat vocabulary. */
public enum Role {
  SYSTEM("system"),
  USER("user"),
  ASSISTANT("assistant"),
  TOOL("tool");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  /** The lower-case wire name, e.g. {@code "user"}. */
  public String wireName() {
    return wireName;
  }
}
