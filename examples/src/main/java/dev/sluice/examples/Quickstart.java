package dev.sluice.examples;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelParameters;
import dev.sluice.simulated.SimulatedModelClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The README's quickstart, runnable: one route, one variant on a simulated model, one call.
 * Swap the simulated client for an OpenAI-compatible one to talk to a real model.
 */
public final class Quickstart {

  private Quickstart() {}

  public static SluiceResponse run() {
    // quickstart:begin
    var model = SimulatedModelClient.builder()
        .seed(42)
        .template("Happy to help with: {{last_user}}")
        .build();

    Sluice sluice = Sluice.builder()
        .route(Route.builder("support-answer")
            .baseline(Variant.builder("v1")
                .client(model)
                .model("gpt-4o-mini")
                .systemPrompt("You are a concise support agent.")
                .parameters(ModelParameters.builder().temperature(0.2).maxOutputTokens(400).build())
                .labels(VersionLabels.builder().modelVersion("gpt-4o-mini-2024-07-18").promptVersion("support-v7").build())
                .build())
            .build())
        .meterRegistry(new SimpleMeterRegistry())
        .build();

    SluiceResponse answer = sluice.call(
        "support-answer",
        ChatRequest.ofUser("How do I reset my password?"),
        Subject.builder().routingKey("user-42").tenant("acme").build());

    System.out.println(answer.text());
    System.out.println(answer.variantId() + " " + answer.labels() + " " + answer.outcome() + " " + answer.cost());
    // quickstart:end
    return answer;
  }

  public static void main(String[] args) {
    run();
  }
}
