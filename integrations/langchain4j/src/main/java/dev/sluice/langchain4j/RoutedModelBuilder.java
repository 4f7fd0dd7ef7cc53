package dev.sluice.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.SluiceStream;
import dev.sluice.langchain4j.internal.Messages;
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

  private final Sluice sluice;
  private final String route;
  private Function<ChatRequest, Subject> subject = r -> Subject.bound().orElse(Subject.anonymous());

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

  /** The route as the models call it. */
  RouteCalls calls() {
    return new RouteCalls(sluice, route, subject);
  }

  /** A LangChain4j request through the route, whole or streamed, for the subject the request is for. */
  record RouteCalls(Sluice sluice, String route, Function<ChatRequest, Subject> subject) {
    SluiceResponse call(ChatRequest request) {
      return sluice.call(route, Messages.toSluice(request), who(request));
    }

    SluiceStream stream(ChatRequest request) {
      return sluice.stream(route, Messages.toSluice(request), who(request));
    }

    private Subject who(ChatRequest request) {
      return Objects.requireNonNull(subject.apply(request), "subject");
    }
  }
}
