package dev.sluice.model;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One message of a chat request: a role and its text; an assistant's message may carry the tool
 * calls it asked for, and a tool message answers one of them by its id.
 *
 * <pre>{@code
 * ChatMessage.user("Where is order A-17?")
 * ChatMessage.assistant("", List.of(new ToolCall("call_1", "lookup_order", "{\"id\":\"A-17\"}")))
 * ChatMessage.tool("call_1", "{\"status\":\"shipped\"}")
 * }</pre>
 *
 * @param role who wrote it
 * @param content the text ("" for an assistant message that only calls tools)
 * @param toolCallId for a {@link Role#TOOL} message, the id of the call it answers; null otherwise
 * @param toolCalls for an {@link Role#ASSISTANT} message, the tool calls it asked for; empty otherwise
 */
public record ChatMessage(Role role, String content, @Nullable String toolCallId, List<ToolCall> toolCalls) {

  /** The most characters of a tool call id. */
  public static final int MAX_TOOL_CALL_ID_CHARS = 256;

  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    toolCalls = List.copyOf(toolCalls);
    if (role == Role.TOOL) {
      if (toolCallId == null || toolCallId.isBlank() || toolCallId.length() > MAX_TOOL_CALL_ID_CHARS) {
        throw new IllegalArgumentException("a tool message needs the id of the tool call it answers (toolCallId, 1 to "
            + MAX_TOOL_CALL_ID_CHARS + " characters); use ChatMessage.tool(id, content)");
      }
    } else if (toolCallId != null) {
      throw new IllegalArgumentException("toolCallId belongs on a tool message, not on a " + role.wireName() + " message");
    }
    if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
      throw new IllegalArgumentException("tool calls belong on an assistant message, not on a " + role.wireName() + " message");
    }
  }

  /** A message of text. */
  public ChatMessage(Role role, String content) {
    this(role, content, null, List.of());
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

  /** The assistant's turn that asked for tool calls (several at once for parallel calls), with its text if any. */
  public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
    return new ChatMessage(Role.ASSISTANT, content, null, toolCalls);
  }

  /** A tool's result, answering the call with this id. */
  public static ChatMessage tool(String toolCallId, String content) {
    return new ChatMessage(Role.TOOL, content, toolCallId, List.of());
  }

  /** The same message with other text (an input guardrail's rewrite): its tool call id and tool calls are kept. */
  public ChatMessage withContent(String newContent) {
    return new ChatMessage(role, newContent, toolCallId, toolCalls);
  }

  /** Characters this message sends: its text, and its tool calls' ids, names and arguments. */
  public long chars() {
    long n = content.length() + (toolCallId == null ? 0 : toolCallId.length());
    for (ToolCall c : toolCalls) {
      n += c.id().length() + c.name().length() + c.argumentsJson().length();
    }
    return n;
  }

  @Override
  public String toString() {
    // The text is the user's business: its length only.
    return "ChatMessage[role=" + role.wireName() + ", chars=" + content.length() + (toolCallId == null ? "" : ", toolCallId=" + toolCallId)
        + (toolCalls.isEmpty() ? "" : ", toolCalls=" + toolCalls.size()) + "]";
  }
}
