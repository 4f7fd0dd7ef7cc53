package dev.sluice.springai.internal;

import dev.sluice.SluiceResponse;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.TokenUsage;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ToolDefinition;
import dev.sluice.outcome.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * Prompts and answers between Spring AI's vocabulary and Sluice's, both ways: messages (tool calls
 * and tool responses included), options, tool definitions, usage and finish reason. A user message
 * with media is refused (Sluice's messages are text), never reduced to its text.
 */
public final class SpringAiMessages {

  private SpringAiMessages() {}

  // Spring AI -> Sluice

  /** A Spring AI prompt as Sluice's request; the model name is left to the route's variant. */
  public static ChatRequest toSluice(Prompt prompt) {
    ChatRequest.Builder b = ChatRequest.builder();
    for (Message m : prompt.getInstructions()) {
      if (m instanceof SystemMessage s) {
        b.system(text(s.getText()));
      } else if (m instanceof UserMessage u) {
        if (!u.getMedia().isEmpty()) {
          throw new InvalidConfigurationException("spring-ai.message", "a user message with media; Sluice's messages are text");
        }
        b.user(text(u.getText()));
      } else if (m instanceof AssistantMessage a) {
        List<ToolCall> calls = new ArrayList<>();
        for (AssistantMessage.ToolCall c : a.getToolCalls()) {
          calls.add(new ToolCall(text(c.id()), text(c.name()), text(c.arguments())));
        }
        b.assistant(text(a.getText()), calls);
      } else if (m instanceof ToolResponseMessage t) {
        for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
          b.toolResult(r.id(), text(r.responseData()));
        }
      } else {
        throw new InvalidConfigurationException("spring-ai.message", m.getMessageType().toString(), "system, user, assistant or tool messages");
      }
    }
    ChatOptions o = prompt.getOptions();
    if (o != null) {
      ModelParameters.Builder p = ModelParameters.builder();
      if (o.getTemperature() != null) p.temperature(o.getTemperature());
      if (o.getTopP() != null) p.topP(o.getTopP());
      if (o.getMaxTokens() != null) p.maxOutputTokens(o.getMaxTokens());
      if (o.getStopSequences() != null && !o.getStopSequences().isEmpty()) p.stop(o.getStopSequences());
      b.parameters(p.build());
      if (o instanceof ToolCallingChatOptions t && t.getToolCallbacks() != null) {
        for (ToolCallback c : t.getToolCallbacks()) {
          var d = c.getToolDefinition();
          b.tool(new ToolDefinition(d.name(), text(d.description()), d.inputSchema()));
        }
      }
    }
    return b.build();
  }

  private static String text(@Nullable String s) {
    return s == null ? "" : s;
  }

  /** A Sluice answer as Spring AI's, with the call's usage and the model that answered. */
  public static org.springframework.ai.chat.model.ChatResponse toSpringAi(SluiceResponse response) {
    ChatResponse r = response.chatResponse();
    Usage usage = response.usage().reported()
        ? new DefaultUsage(clamp(response.usage().inputTokens()), clamp(response.usage().outputTokens())) : new DefaultUsage(0, 0);
    return new org.springframework.ai.chat.model.ChatResponse(List.of(generation(r)),
        ChatResponseMetadata.builder().id(response.callId()).model(r.responseModel()).usage(usage).build());
  }

  /** One answer (or one streamed chunk's worth of it) as a generation. */
  public static Generation generation(ChatResponse r) {
    List<AssistantMessage.ToolCall> calls = new ArrayList<>();
    for (ToolCall c : r.toolCalls()) {
      calls.add(new AssistantMessage.ToolCall(c.id(), "function", c.name(), c.argumentsJson()));
    }
    AssistantMessage message = AssistantMessage.builder().content(r.text()).toolCalls(calls).build();
    return new Generation(message, ChatGenerationMetadata.builder().finishReason(finishReason(r.finishReason())).build());
  }

  private static int clamp(long n) {
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static String finishReason(FinishReason f) {
    return switch (f) {
      case STOP, REFUSAL -> "STOP";
      case LENGTH -> "LENGTH";
      case TOOL_CALLS -> "TOOL_CALLS";
      case CONTENT_FILTER -> "CONTENT_FILTER";
      case OTHER -> "OTHER";
    };
  }

  // Sluice -> Spring AI

  /**
   * A Sluice request (as a variant prepared it) as a Spring AI prompt. Tools go as definitions only:
   * the model's own tool execution is switched off, so its tool calls come back to the caller.
   */
  public static Prompt toSpringAi(ChatRequest request) {
    List<Message> messages = new ArrayList<>();
    Map<String, String> toolNames = new HashMap<>();
    for (ChatMessage m : request.messages()) {
      m.toolCalls().forEach(c -> toolNames.put(c.id(), c.name()));
      messages.add(switch (m.role()) {
        case SYSTEM -> new SystemMessage(m.content());
        case USER -> new UserMessage(m.content());
        case ASSISTANT -> AssistantMessage.builder().content(m.content()).toolCalls(m.toolCalls().stream()
            .map(c -> new AssistantMessage.ToolCall(c.id(), "function", c.name(), c.argumentsJson())).toList()).build();
        case TOOL -> {
          String id = Objects.requireNonNull(m.toolCallId(), "toolCallId");
          yield ToolResponseMessage.builder().responses(List.of(new ToolResponseMessage.ToolResponse(id, toolNames.getOrDefault(id, ""),
              m.content()))).build();
        }
      });
    }
    ModelParameters p = request.parameters();
    ToolCallingChatOptions.Builder o = ToolCallingChatOptions.builder().internalToolExecutionEnabled(false);
    if (request.model() != null) o.model(request.model());
    if (p.temperature() != null) o.temperature(p.temperature());
    if (p.topP() != null) o.topP(p.topP());
    if (p.maxOutputTokens() != null) o.maxTokens(p.maxOutputTokens());
    if (!p.stop().isEmpty()) o.stopSequences(p.stop());
    if (!request.tools().isEmpty()) {
      List<ToolCallback> callbacks = new ArrayList<>();
      for (ToolDefinition t : request.tools()) {
        callbacks.add(new DefinitionOnly(t));
      }
      o.toolCallbacks(callbacks);
    }
    return new Prompt(messages, o.build());
  }

  /**
   * A tool Sluice describes but does not run here: the prompt's options turn Spring AI's internal
   * tool execution off, so the model's tool calls come back in the answer for Sluice's caller to
   * run. Spring AI takes tool definitions only as callbacks; this one refuses to be called.
   */
  record DefinitionOnly(ToolDefinition tool) implements ToolCallback {
    @Override
    public org.springframework.ai.tool.definition.ToolDefinition getToolDefinition() {
      return org.springframework.ai.tool.definition.ToolDefinition.builder().name(tool.name()).description(tool.description())
          .inputSchema(tool.parametersSchema()).build();
    }

    @Override
    public String call(String toolInput) {
      throw new IllegalStateException("tool " + tool.name() + " was called inside the Spring AI model, but Sluice turned internal "
          + "tool execution off: the tool call goes back to Sluice's caller, who runs it");
    }
  }

  /** A Spring AI answer as Sluice's. */
  public static ChatResponse toSluice(org.springframework.ai.chat.model.ChatResponse response, String provider, String requestModel) {
    Generation g = response.getResult();
    if (g == null) {
      throw new dev.sluice.outcome.ModelCallException(dev.sluice.outcome.ModelCallException.Kind.BAD_OUTPUT, 0,
          "the Spring AI model answered with no generation", null, null);
    }
    AssistantMessage a = g.getOutput();
    List<ToolCall> calls = new ArrayList<>();
    for (AssistantMessage.ToolCall c : a.getToolCalls()) {
      calls.add(new ToolCall(text(c.id()), text(c.name()), text(c.arguments())));
    }
    Usage u = response.getMetadata().getUsage();
    TokenUsage usage = u == null || u.getPromptTokens() == null || u.getCompletionTokens() == null || u.getPromptTokens() < 0
        || u.getCompletionTokens() < 0 || (u.getPromptTokens() == 0 && u.getCompletionTokens() == 0)
        ? TokenUsage.UNKNOWN : TokenUsage.of(u.getPromptTokens(), u.getCompletionTokens());
    String model = response.getMetadata().getModel();
    String finish = g.getMetadata().getFinishReason();
    FinishReason f = finish == null ? (calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS)
        : FinishReason.fromWire(finish.toLowerCase(Locale.ROOT));
    return new ChatResponse(text(a.getText()), f, usage, provider, model == null || model.isEmpty() ? requestModel : model, calls);
  }
}
