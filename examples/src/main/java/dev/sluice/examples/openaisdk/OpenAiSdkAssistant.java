package dev.sluice.examples.openaisdk;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.audit.AuditEvent;
import dev.sluice.fallback.FixedAnswerLink;
import dev.sluice.model.ChatRequest;
import dev.sluice.openaijava.OpenAiJavaModelClient;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import dev.sluice.testkit.ChatCompletionsStub;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * The official OpenAI Java SDK as a Sluice variant's client. No keys and no network: the SDK talks
 * to a chat-completions server on 127.0.0.1 started here, which answers, then fails once with 503
 * (Sluice retries: the SDK's own retries are off), answers again, then fails twice with 500 (the
 * route's fixed answer). Prints each answer with the variant, labels, tokens and cost.
 *
 * <pre>
 * ./mvnw -q -B -DskipTests -pl examples -am package exec:java -Ddemo.mainClass=dev.sluice.examples.openaisdk.OpenAiSdkAssistant
 * </pre>
 */
public final class OpenAiSdkAssistant {

  /** What a run did. */
  public record Run(List<String> answers, List<AuditEvent> audit, MeterRegistry meters) {}

  private OpenAiSdkAssistant() {}

  public static Run run() throws IOException {
    List<AuditEvent> audit = new ArrayList<>();
    MeterRegistry meters = new SimpleMeterRegistry();
    var executor = Executors.newCachedThreadPool();
    try (ChatCompletionsStub server = new ChatCompletionsStub(List.of(
            ChatCompletionsStub.text("Open Settings, then Security.", 42, 9),
            ChatCompletionsStub.error(503),
            ChatCompletionsStub.text("Use the Forgot password link.", 40, 8),
            ChatCompletionsStub.error(500),
            ChatCompletionsStub.error(500),
            ChatCompletionsStub.text("Settings, Security, Reset.", 41, 7)))) {
      // The SDK client as the application already configures it; its retries off, Sluice retries.
      OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl()).apiKey("sk-local").maxRetries(0)
          .timeout(Duration.ofSeconds(10)).build();
      try (Sluice sluice = Sluice.builder()
          .route(Route.builder("support-answer")
              .baseline(Variant.builder("v7")
                  .client(OpenAiJavaModelClient.of(openai, "openai", URI.create(server.baseUrl()), executor))
                  .model("gpt-4o-mini")
                  .labels(VersionLabels.builder().modelVersion("gpt-4o-mini-2024-07-18").promptVersion("support-v7").build())
                  .build())
              .resilience(ResiliencePolicy.builder().maxAttempts(2).backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0).build())
              .fallback(FixedAnswerLink.of("We cannot answer right now; a person will follow up."))
              .build())
          .meterRegistry(meters)
          .auditSink(audit::add)
          .build()) {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          answers.add(sluice.call("support-answer", ChatRequest.ofUser("How do I reset my password?"),
              Subject.builder().routingKey("user-" + i).tenant("acme").build()).text());
        }
        return new Run(answers, audit, meters);
      } finally {
        openai.close();
        executor.shutdown();
      }
    }
  }

  public static void main(String[] args) throws IOException {
    Run run = run();
    for (int i = 0; i < run.answers().size(); i++) {
      AuditEvent e = run.audit().get(i);
      System.out.printf("%s%n    variant %s %s, %s, %d attempt(s), tokens %s, $%s%s%n", run.answers().get(i), e.variant(), e.labels(),
          e.outcome(), e.attempts(), e.usage(), e.costUsd(), e.fallback() == null ? "" : ", fallback " + e.fallback().get("kind"));
    }
  }
}
