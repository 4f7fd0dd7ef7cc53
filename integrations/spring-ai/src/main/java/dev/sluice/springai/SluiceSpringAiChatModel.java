package dev.sluice.springai;

import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.SluiceStream;
import dev.sluice.model.ChatChunk;
import dev.sluice.springai.internal.SpringAiMessages;
import dev.sluice.subject.Subject;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionResult;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;

/**
 * A Spring AI {@link ChatModel} that answers through a Sluice route: the route's rollout picks the
 * variant, and retries, breakers, budgets, guardrails, fallbacks, labels, meters and the judge
 * apply. A {@code ChatClient} app gets Sluice by building its client on this model:
 *
 * <pre>{@code
 * ChatModel model = SluiceSpringAiChatModel.builder(sluice, "support-answer").build();
 * ChatClient chat = ChatClient.create(model);
 * String answer = chat.prompt().user(question).tools(new Orders()).call().content();
 * }</pre>
 *
 * <p>Tools run as Spring AI's own models run them: when the answer asks for tool calls and the
 * prompt's options allow internal tool execution (the default), the {@link ToolCallingManager}
 * runs them and the conversation goes back through the route, each round a call of its own. Who a
 * call is for: the subject bound with {@link Subject#bind}, or a function of the prompt. {@link
 * #stream} streams through {@link Sluice#stream} (text only: tool calls are not run on streams).
 */
public final class SluiceSpringAiChatModel implements ChatModel {

  /** The most tool rounds one call may take, so a model that keeps asking cannot loop forever. */
  public static final int MAX_TOOL_ROUNDS = 16;

  private final Sluice sluice;
  private final String route;
  private final Function<Prompt, Subject> subject;
  private final ToolCallingManager tools;

  private SluiceSpringAiChatModel(Builder b) {
    this.sluice = b.sluice;
    this.route = b.route;
    this.subject = b.subject;
    this.tools = b.tools;
  }

  /** A model over {@code route} of {@code sluice}; the route must exist. */
  public static Builder builder(Sluice sluice, String route) {
    Objects.requireNonNull(sluice, "sluice").route(Objects.requireNonNull(route, "route"));
    return new Builder(sluice, route);
  }

  @Override
  public ChatResponse call(Prompt prompt) {
    Prompt current = prompt;
    ChatResponse response = once(current);
    for (int round = 0; response.hasToolCalls() && ToolCallingChatOptions.isInternalToolExecutionEnabled(current.getOptions()); round++) {
      if (round == MAX_TOOL_ROUNDS) {
        throw new IllegalStateException("route '" + route + "': the model asked for tools " + MAX_TOOL_ROUNDS + " rounds in a row");
      }
      ToolExecutionResult result = tools.executeToolCalls(current, response);
      if (result.returnDirect()) {
        return ChatResponse.builder().from(response).generations(ToolExecutionResult.buildGenerations(result)).build();
      }
      current = new Prompt(result.conversationHistory(), current.getOptions());
      response = once(current);
    }
    return response;
  }

  private ChatResponse once(Prompt prompt) {
    SluiceResponse r = sluice.call(route, SpringAiMessages.toSluice(prompt), Objects.requireNonNull(subject.apply(prompt), "subject"));
    return SpringAiMessages.toSpringAi(r);
  }

  @Override
  public Flux<ChatResponse> stream(Prompt prompt) {
    return Flux.defer(() -> {
      SluiceStream stream = sluice.stream(route, SpringAiMessages.toSluice(prompt), Objects.requireNonNull(subject.apply(prompt), "subject"));
      return JdkFlowAdapter.flowPublisherToFlux(stream)
          .filter(c -> !c.text().isEmpty() || c.finishReason() != null)
          .map(SluiceSpringAiChatModel::partial);
    });
  }

  private static ChatResponse partial(ChatChunk c) {
    var whole = new dev.sluice.model.ChatResponse(c.text(), c.finishReason() == null ? dev.sluice.model.FinishReason.OTHER : c.finishReason(),
        c.usage() == null ? dev.sluice.model.TokenUsage.UNKNOWN : c.usage(), "sluice", c.responseModel() == null ? "" : c.responseModel(),
        List.of());
    return new ChatResponse(List.of(SpringAiMessages.generation(whole)), new ChatResponseMetadata());
  }

  @Override
  public String toString() {
    return "SluiceSpringAiChatModel[" + route + "]";
  }

  /** Builds a {@link SluiceSpringAiChatModel}. */
  public static final class Builder {
    private final Sluice sluice;
    private final String route;
    private Function<Prompt, Subject> subject = p -> Subject.bound().orElse(Subject.anonymous());
    private ToolCallingManager tools = ToolCallingManager.builder().build();

    private Builder(Sluice sluice, String route) {
      this.sluice = sluice;
      this.route = route;
    }

    /** Who each call is for, from its prompt; default the subject bound with {@link Subject#bind}, else anonymous. */
    public Builder subject(Function<Prompt, Subject> subject) {
      this.subject = Objects.requireNonNull(subject, "subject");
      return this;
    }

    /** Runs the tools the model asks for; default Spring AI's own manager. */
    public Builder toolCallingManager(ToolCallingManager manager) {
      this.tools = Objects.requireNonNull(manager, "toolCallingManager");
      return this;
    }

    public SluiceSpringAiChatModel build() {
      return new SluiceSpringAiChatModel(this);
    }
  }
}
