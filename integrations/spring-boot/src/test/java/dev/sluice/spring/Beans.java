package dev.sluice.spring;

import dev.sluice.SluiceCall;
import dev.sluice.annotation.LlmRoute;
import dev.sluice.annotation.RoutingKey;
import dev.sluice.annotation.SubjectAttribute;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ModelClient;
import dev.sluice.model.TokenUsage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** Beans the starter's tests route. */
final class Beans {

  private Beans() {}

  /** The application's own client, referenced from YAML as {@code client: {ref: houseModel}}. */
  static final class HouseModel implements ModelClient {
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public String provider() {
      return "house";
    }

    @Override
    public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
      requests.add(request);
      return CompletableFuture.completedFuture(ChatResponse.of("Candidate: open Settings.", TokenUsage.of(20, 8), "house", request.model()));
    }
  }

  /** A streaming method in a WebFlux style: Flux in, Flux out. */
  static class StreamingAssistant {
    @LlmRoute("support-answer")
    public reactor.core.publisher.Flux<String> stream(@RoutingKey String userId, String question) {
      SluiceCall call = SluiceCall.current();
      return reactor.adapter.JdkFlowAdapter.flowPublisherToFlux(call.client().stream(ChatRequest.ofUser(question)))
          .map(dev.sluice.model.ChatChunk::text);
    }
  }

  /** A class annotated as a whole: every public method is routed. */
  @LlmRoute("support-answer")
  static class ClassAssistant {
    public String answer(@RoutingKey String userId, @SubjectAttribute("tenant") String tenant, String question) {
      SluiceCall call = SluiceCall.current();
      return call.labels().promptVersion().orElse("?") + " | " + call.client().chat(ChatRequest.ofUser(question)).text();
    }
  }

  /** An interface with a routed method and a fallback, implemented by a bean. */
  interface TicketTriage {
    @LlmRoute(value = "support-answer", fallbackMethod = "manual")
    String triage(@RoutingKey String userId, String message);
  }

  static class TicketTriageBean implements TicketTriage {
    volatile boolean fail;

    @Override
    public String triage(String userId, String message) {
      if (fail) {
        throw new IllegalStateException("triage model is down");
      }
      return "triaged by " + SluiceCall.current().variant().id();
    }

    public String manual(String userId, String message, Throwable why) {
      return "queued for a person: " + why.getMessage();
    }
  }

  /** Misuse: the fallback method does not take the failure. */
  static class BrokenAssistant {
    @LlmRoute(value = "support-answer", fallbackMethod = "sorry")
    public String answer(String question) {
      return question;
    }

    public String sorry(String question) {
      return "sorry";
    }
  }
}
