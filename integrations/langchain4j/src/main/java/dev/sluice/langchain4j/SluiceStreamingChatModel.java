package dev.sluice.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.sluice.Sluice;
import dev.sluice.SluiceStream;
import dev.sluice.langchain4j.internal.Messages;
import dev.sluice.model.ChatChunk;
import java.util.concurrent.Flow;

/**
 * A LangChain4j {@link StreamingChatModel} that streams through a Sluice route: the same pipeline
 * as {@link SluiceChatModel}, as a stream ({@link Sluice#stream}). Text arrives as partial
 * responses as the model writes it; the complete response carries the call's usage and the
 * model's tool calls. Before the first chunk, failures are retried or fall back as a whole call's
 * are; after it, {@code onError} gets a {@link dev.sluice.outcome.StreamInterruptedException}
 * saying how much was delivered.
 *
 * <pre>{@code
 * StreamingChatModel model = SluiceStreamingChatModel.builder(sluice, "support-answer").build();
 * interface Assistant { TokenStream chat(String message); }
 * AiServices.create(Assistant.class, model).chat(question).onPartialResponse(System.out::print).onCompleteResponse(r -> {}).start();
 * }</pre>
 */
public final class SluiceStreamingChatModel implements StreamingChatModel {

  private final RoutedModelBuilder.RouteCalls route;

  private SluiceStreamingChatModel(RoutedModelBuilder.RouteCalls route) {
    this.route = route;
  }

  /** A model over {@code route} of {@code sluice}; the route must exist. */
  public static RoutedModelBuilder<SluiceStreamingChatModel> builder(Sluice sluice, String route) {
    return new RoutedModelBuilder<>(sluice, route) {
      @Override
      public SluiceStreamingChatModel build() {
        return new SluiceStreamingChatModel(calls());
      }
    };
  }

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    SluiceStream stream = route.stream(request);
    stream.subscribe(new Flow.Subscriber<ChatChunk>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ChatChunk chunk) {
        if (!chunk.text().isEmpty()) {
          handler.onPartialResponse(chunk.text());
        }
      }

      @Override
      public void onError(Throwable t) {
        handler.onError(t);
      }

      @Override
      public void onComplete() {
        // The complete response follows from the call's response, with its usage.
      }
    });
    stream.response().thenAccept(r -> handler.onCompleteResponse(Messages.toLangChain4j(r)));
  }

  @Override
  public String toString() {
    return "SluiceStreamingChatModel[" + route.route() + "]";
  }
}
