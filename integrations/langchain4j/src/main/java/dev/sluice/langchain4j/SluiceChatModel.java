package dev.sluice.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.sluice.Sluice;
import dev.sluice.langchain4j.internal.Messages;

/**
 * A LangChain4j {@link ChatModel} that answers through a Sluice route: the route's rollout picks
 * the variant (its model, system prompt and parameters), and retries, breakers, budgets,
 * guardrails, fallbacks, labels, meters and the judge apply. AI Services and other LangChain4j code
 * get Sluice by swapping this one bean in for their model:
 *
 * <pre>{@code
 * ChatModel model = SluiceChatModel.builder(sluice, "support-answer").build();
 * Assistant assistant = AiServices.create(Assistant.class, model);
 *
 * try (var bound = Subject.bind(Subject.builder().routingKey(userId).tenant(tenant).build())) {
 *   String answer = assistant.chat(question);       // assigned, limited and labelled for this user
 * }
 * }</pre>
 *
 * <p><b>Who a call is for.</b> By default the subject bound with {@link dev.sluice.subject.Subject#bind} around the call
 * (anonymous without one: a rollout then buckets every call alike); or give a function of the
 * request with {@link RoutedModelBuilder#subject}. The request's model name is ignored: the route's variant
 * decides the model. Failures are Sluice's exceptions ({@code SluiceException} and its
 * subclasses), which say why.
 */
public final class SluiceChatModel implements ChatModel {

  private final RoutedModelBuilder.RouteCalls route;

  private SluiceChatModel(RoutedModelBuilder.RouteCalls route) {
    this.route = route;
  }

  /** A model over {@code route} of {@code sluice}; the route must exist. */
  public static RoutedModelBuilder<SluiceChatModel> builder(Sluice sluice, String route) {
    return new RoutedModelBuilder<>(sluice, route) {
      @Override
      public SluiceChatModel build() {
        return new SluiceChatModel(calls());
      }
    };
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    return Messages.toLangChain4j(route.call(request));
  }

  @Override
  public String toString() {
    return "SluiceChatModel[" + route.route() + "]";
  }
}
