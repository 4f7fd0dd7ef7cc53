package dev.sluice.model;

import java.util.Objects;

/**
 * One message of a chat request: a role and its text.
 *
 * <pre>{@code ChatMessage.user("How do I reset my password?")}</pre>
 *
 * @param role who wrote it
 * @param content the text
 */
public record ChatMessage(Role role, String content) {

  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  public static ChatMessage system(String content) {
    return new ChatMessage(Role.SYSTEM, content);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage(Role.USER, content);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage(Role.ASSISTANT, content);
  }
}
