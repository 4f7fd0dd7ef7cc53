package dev.sluice.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.sluice.Sluice;
import dev.sluice.subject.Subject;
import java.util.Objects;
import java.util.function.Function;

/**
 * What both LangChain4j models over a route are built from: the Sluice, the route, and who each
 * call is for.
 *
 * @param <M> the model it builds
 */
public abstract class RoutedModelBuilder<M> {

  final Sluice sluice;
  final String route;
  Function<ChatRequest, Subject> subject = r -> Subject.bound().orElse(Subject.anonymous());

  RoutedModelBuilder(Sluice sluice, String route) {
    Objects.requireNonNull(sluice, "sluice").route(Objects.requireNonNull(route, "route"));
    this.sluice = sluice;
    this.route = route;
  }

  /** Who each call is for, from its request; default the subject bound with {@link Subject#bind}, else anonymous. */
  public RoutedModelBuilder<M> subject(Function<ChatRequest, Subject> subject) {
    this.subject = Objects.requireNonNull(subject, "subject");
    return this;
  }

  /** The model. */
  public abstract M build();
}
