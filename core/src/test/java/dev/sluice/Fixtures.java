package dev.sluice;

import dev.sluice.release.VersionLabels;
import dev.sluice.release.Variant;
import dev.sluice.audit.AuditEvent;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ModelClient;
import dev.sluice.model.TokenUsage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.MDC;

/** Small building blocks shared by core's tests. */
public final class Fixtures {

  private Fixtures() {}

  /** A model that answers at once with fixed usage and remembers the MDC it saw. */
  public static final class EchoModel implements ModelClient {
    public final List<Map<String, String>> mdcSeen = new CopyOnWriteArrayList<>();
    public final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private final Function<ChatRequest, ChatResponse> answer;

    public EchoModel(Function<ChatRequest, ChatResponse> answer) {
      this.answer = answer;
    }

    public static EchoModel answering(String text, long in, long out) {
      return new EchoModel(r -> ChatResponse.of(text, TokenUsage.of(in, out), "test", r.model()));
    }

    @Override
    public String provider() {
      return "test";
    }

    @Override
    public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
      Map<String, String> mdc = MDC.getCopyOfContextMap();
      mdcSeen.add(mdc == null ? Map.of() : mdc);
      requests.add(request);
      try {
        return CompletableFuture.completedFuture(answer.apply(request));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
  }

  /** Collects audit events. */
  public static final class Events {
    public final List<AuditEvent> all = new CopyOnWriteArrayList<>();

    public void accept(AuditEvent e) {
      all.add(e);
    }

    public AuditEvent only() {
      if (all.size() != 1) {
        throw new AssertionError("expected one audit event, got " + all.size());
      }
      return all.get(0);
    }
  }

  public static Variant variant(String id, ModelClient client, String model, String promptVersion) {
    return Variant.builder(id)
        .client(client)
        .model(model)
        .labels(VersionLabels.builder().modelVersion(model + "-2024").promptVersion(promptVersion).build())
        .build();
  }
}
