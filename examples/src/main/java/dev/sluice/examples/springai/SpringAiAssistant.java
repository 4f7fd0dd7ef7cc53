package dev.sluice.examples.springai;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.audit.AuditEvent;
import dev.sluice.fallback.FixedAnswerLink;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.simulated.SimulatedFailure;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.springai.SluiceSpringAiChatModel;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.client.ChatClient;

/**
 * A Spring AI {@link ChatClient} app that gets Sluice from one bean: its model is a {@link
 * SluiceSpringAiChatModel} over a route on a simulated model (no keys, no network) that fails one
 * call in four, so retries and, when they run out, the route's fixed answer show. Prints each
 * answer with the variant, labels, tokens and cost Sluice recorded.
 *
 * <pre>
 * ./mvnw -q -B -DskipTests -pl examples -am package exec:java -Ddemo.mainClass=dev.sluice.examples.springai.SpringAiAssistant
 * </pre>
 */
public final class SpringAiAssistant {

  /** What a run did. */
  public record Run(List<String> answers, List<AuditEvent> audit, MeterRegistry meters) {}

  private SpringAiAssistant() {}

  public static Run run(int questions) {
    List<AuditEvent> audit = new ArrayList<>();
    MeterRegistry meters = new SimpleMeterRegistry();
    try (Sluice sluice = Sluice.builder()
        .route(Route.builder("support-answer")
            .baseline(Variant.builder("v7")
                .client(SimulatedModelClient.builder().seed(23).failure(SimulatedFailure.UNAVAILABLE, 0.25).outputTokens(30, 60)
                    .template("To {{last_user}}: open Settings, then Security.").build())
                .model("gpt-4o-mini")
                .labels(VersionLabels.builder().modelVersion("gpt-4o-mini-2024-07-18").promptVersion("support-v7").build())
                .build())
            .resilience(ResiliencePolicy.builder().maxAttempts(2).backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0).build())
            .fallback(FixedAnswerLink.of("We cannot answer right now; a person will follow up."))
            .build())
        .meterRegistry(meters)
        .auditSink(audit::add)
        .build()) {

      // The one bean that changes: the ChatClient's model.
      ChatClient chat = ChatClient.create(SluiceSpringAiChatModel.builder(sluice, "support-answer").build());

      List<String> answers = new ArrayList<>();
      for (int i = 0; i < questions; i++) {
        try (var bound = Subject.bind(Subject.builder().routingKey("user-" + i).tenant(i % 2 == 0 ? "acme" : "globex").build())) {
          answers.add(chat.prompt().user("How do I reset my password? (" + i + ")").call().content());
        }
      }
      return new Run(answers, audit, meters);
    }
  }

  public static void main(String[] args) {
    Run run = run(8);
    for (int i = 0; i < run.answers().size(); i++) {
      AuditEvent e = run.audit().get(i);
      System.out.printf("%s%n    variant %s %s, %s, %d attempt(s), tokens %s, $%s%s%n", run.answers().get(i), e.variant(), e.labels(),
          e.outcome(), e.attempts(), e.usage(), e.costUsd(), e.fallback() == null ? "" : ", fallback " + e.fallback().get("kind"));
    }
  }
}
