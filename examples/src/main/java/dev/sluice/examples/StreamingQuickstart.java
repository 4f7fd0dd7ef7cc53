package dev.sluice.examples;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.SluiceStream;
import dev.sluice.annotation.LlmRoute;
import dev.sluice.annotation.RoutingKey;
import dev.sluice.SluiceCall;
import dev.sluice.model.ChatChunk;
import dev.sluice.model.ChatRequest;
import dev.sluice.release.Variant;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Flow;

/**
 * The README's streaming example, runnable: a streamed call read chunk by chunk with the builder
 * API, then the same route behind an {@code @LlmRoute} method that returns a {@code Flow.Publisher}.
 */
public final class StreamingQuickstart {

  private StreamingQuickstart() {}

  // streaming-annotation:begin
  public interface Writer {
    @LlmRoute("support-answer")
    Flow.Publisher<ChatChunk> answer(@RoutingKey String userId, String question, SluiceCall call);
  }

  public static final class ModelWriter implements Writer {
    @Override
    public Flow.Publisher<ChatChunk> answer(String userId, String question, SluiceCall call) {
      // The variant's own stream (its model and system prompt); Sluice reads it as the attempt.
      return call.client().stream(ChatRequest.ofUser(question));
    }
  }
  // streaming-annotation:end

  public static SluiceResponse run() {
    // streaming:begin
    Sluice sluice = Sluice.builder()
        .route(Route.builder("support-answer")
            .baseline(Variant.builder("v1")
                .client(SimulatedModelClient.builder().latency(Duration.ofMillis(400), Duration.ofMillis(900))
                    .template("Happy to help with: {{last_user}}").build())
                .model("gpt-4o-mini")
                .build())
            .resilience(ResiliencePolicy.builder()
                .streamTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(2))   // first chunk, then each silence
                .build())
            .streamHoldBackChars(64)   // failures before 64 characters reach the caller still retry or fall back
            .build())
        .meterRegistry(new SimpleMeterRegistry())
        .build();

    SluiceStream stream = sluice.stream("support-answer", ChatRequest.ofUser("How do I reset my password?"), Subject.of("user-42"));
    for (ChatChunk chunk : stream) {           // or stream.subscribe(yourFlowSubscriber)
      System.out.print(chunk.text());
    }
    SluiceResponse done = stream.response().join();   // variant, labels, outcome, usage, cost
    System.out.println();
    System.out.println(done.variantId() + " " + done.outcome() + " " + done.usage());
    // streaming:end
    Writer writer = sluice.proxy(Writer.class, new ModelWriter());
    SluiceStream again = (SluiceStream) writer.answer("user-42", "Where is my order?", null);
    again.forEach(chunk -> System.out.print(chunk.text()));
    System.out.println();
    again.response().join();
    sluice.close();
    return done;
  }

  public static void main(String[] args) {
    run();
  }
}
