package dev.sluice;

import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import dev.sluice.outcome.Outcome;
import dev.sluice.outcome.GuardrailBlockedException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.SluiceException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Fixtures.EchoModel;
import dev.sluice.Fixtures.Events;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ModelClient;
import dev.sluice.pipeline.Phase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class FailureTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Events events = new Events();

  Sluice sluiceWith(ModelClient model, StepFactory... steps) {
    Sluice.Builder b = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1"))
            .resilience(ResiliencePolicy.builder().maxAttempts(1).build()).build())
        .meterRegistry(registry)
        .auditSink(events::accept);
    for (StepFactory s : steps) {
      b.step(s);
    }
    return b.build();
  }

  @Test
  void aModelErrorIsThrownAsModelCallExceptionAndCountedAsError() {
    EchoModel model = new EchoModel(r -> {
      throw new ModelCallException(ModelCallException.Kind.SERVER_ERROR, 503, "upstream unavailable", null, null);
    });

    assertThatThrownBy(() -> sluiceWith(model).call("r", ChatRequest.ofUser("x"), Subject.anonymous()))
        .isInstanceOfSatisfying(ModelCallException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.isRetryable()).isTrue();
          assertThat(e.outcome()).isEqualTo(Outcome.ERROR);
        });
    assertThat(registry.get("sluice.calls").tag("outcome", "error").counter().count()).isEqualTo(1);
    assertThat(registry.get("gen_ai.client.operation.duration").tag("error.type", "server_error").timer().count()).isEqualTo(1);
    assertThat(events.only().outcome()).isEqualTo("error");
    assertThat(events.only().error()).containsEntry("type", "ModelCallException");
  }

  @Test
  void anIoExceptionFromAClientBecomesARetryableConnectionFailure() {
    ModelClient broken = new ModelClient() {
      @Override
      public String provider() {
        return "test";
      }

      @Override
      public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
        return CompletableFuture.failedFuture(new IOException("connection reset"));
      }
    };

    assertThatThrownBy(() -> sluiceWith(broken).call("r", ChatRequest.ofUser("x"), Subject.anonymous()))
        .isInstanceOfSatisfying(ModelCallException.class, e -> {
          assertThat(e.kind()).isEqualTo(ModelCallException.Kind.CONNECTION);
          assertThat(e.isRetryable()).isTrue();
        });
    assertThat(registry.get("gen_ai.client.operation.duration").tag("error.type", "connection").timer().count()).isEqualTo(1);
  }

  @Test
  void aStepThatThrowsBecomesASluiceExceptionAndIsStillRecorded() {
    EchoModel model = EchoModel.answering("ok", 1, 1);
    StepFactory buggy = StepFactory.of(Phase.INPUT_GUARDRAILS, (call, next) -> {
      throw new IllegalStateException("bug in a step");
    });

    assertThatThrownBy(() -> sluiceWith(model, buggy).call("r", ChatRequest.ofUser("x"), Subject.anonymous()))
        .isExactlyInstanceOf(SluiceException.class)
        .hasMessageContaining("bug in a step");
    assertThat(model.requests).isEmpty();
    assertThat(events.only().outcome()).isEqualTo("error");
  }

  @Test
  void aStepCanAnswerWithoutCallingTheModelAndTheOutcomeFollowsItsException() {
    EchoModel model = EchoModel.answering("ok", 1, 1);
    StepFactory blocker = StepFactory.of(Phase.INPUT_GUARDRAILS,
        (call, next) -> CompletableFuture.failedFuture(new GuardrailBlockedException("banned-words", "matched a banned word")));

    assertThatThrownBy(() -> sluiceWith(model, blocker).call("r", ChatRequest.ofUser("x"), Subject.anonymous()))
        .isInstanceOf(GuardrailBlockedException.class)
        .hasMessage("guardrail 'banned-words' blocked the call: matched a banned word");
    assertThat(registry.get("sluice.calls").tag("outcome", "guardrail_blocked").counter().count()).isEqualTo(1);
  }

  @Test
  void aFailingAuditSinkDoesNotFailTheCall() {
    EchoModel model = EchoModel.answering("ok", 1, 1);
    Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1")).build())
        .meterRegistry(registry)
        .auditSink(e -> {
          throw new IllegalStateException("disk full");
        })
        .build();

    assertThat(s.call("r", ChatRequest.ofUser("x"), Subject.anonymous()).text()).isEqualTo("ok");
  }

  @Test
  void stepsRunInPhaseOrderWhateverOrderTheyWereAdded() {
    EchoModel model = EchoModel.answering("ok", 1, 1);
    StringBuilder order = new StringBuilder();
    Sluice s = sluiceWith(model,
        StepFactory.of(Phase.TIMEOUT, (c, n) -> { order.append("timeout,"); return n.proceed(c); }),
        StepFactory.of(Phase.INPUT_GUARDRAILS, (c, n) -> { order.append("input,"); return n.proceed(c); }),
        StepFactory.of(Phase.BUDGET, (c, n) -> { order.append("budget,"); return n.proceed(c); }));

    s.call("r", ChatRequest.ofUser("x"), Subject.anonymous());

    assertThat(order).hasToString("input,budget,timeout,");
    assertThat(s.pipelineSteps("r").get(0)).isEqualTo("RecordStep");
  }
}
