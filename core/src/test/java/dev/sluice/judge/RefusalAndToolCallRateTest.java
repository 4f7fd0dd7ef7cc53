package dev.sluice.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.Guardrails;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.TokenUsage;
import dev.sluice.model.ToolCall;
import dev.sluice.outcome.Outcome;
import dev.sluice.pipeline.CallRecord;
import dev.sluice.rollout.MetricMargin;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.Verdict;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Refusals and malformed tool calls are judge metrics: a candidate that refuses or breaks its tool calls more is rolled back. */
class RefusalAndToolCallRateTest {

  final Judge judge = new Judge(JudgeConfig.DEFAULTS, new SimpleMeterRegistry());
  final RolloutPlan plan = RolloutPlan.builder("r", "v2").stage(Stage.canary(10).minCalls(100)).stage(Stage.full())
      .margin(new MetricMargin("error_rate", 0.5)).build();
  final ChatRequest request = ChatRequest.ofUser("q");
  final SplittableRandom rnd = new SplittableRandom(5);

  /** {@code n} calls, a tenth of them the candidate's; {@code answer} gives a call's record from its arm and a uniform draw. */
  void traffic(int n, BiFunction<Boolean, Double, CallRecord> answer) {
    for (int i = 0; i < n; i++) {
      judge.onCall(answer.apply(rnd.nextDouble() < 0.1, rnd.nextDouble()));
    }
  }

  CallRecord record(boolean cand, Outcome outcome, ChatResponse response, boolean refused) {
    return new CallRecord(Instant.EPOCH, "r", cand ? "v2" : "v1", cand, "canary", outcome, null, 800_000_000L, 300, 0.0006, null,
        request, response, -1, rnd.nextInt(64), "", cand ? "candidate" : "baseline", "", refused);
  }

  Verdict verdict() {
    return judge.judge(new StageProgress("r", plan, 0, plan.stage(0), Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), 5000));
  }

  @Test
  void aCandidateThatRefusesMoreIsRolledBackOnTheRefusalRate() {
    // 4% of the candidate's answers are refusals (half by finish reason, half flagged by a guardrail), 0.5% of the baseline's.
    traffic(60_000, (cand, u) -> {
      boolean refuses = u < (cand ? 0.04 : 0.005);
      boolean byReason = refuses && u < (cand ? 0.02 : 0.0025);
      ChatResponse r = new ChatResponse(refuses ? "I can't help with that." : "Sure.", byReason ? FinishReason.REFUSAL : FinishReason.STOP,
          TokenUsage.of(10, 5), "test", "m", List.of());
      return record(cand, byReason ? Outcome.REFUSED : Outcome.SUCCESS, r, refuses);
    });

    Verdict v = verdict();

    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(v.reason()).startsWith("refusal_rate regression");
  }

  @Test
  void aCandidateWhoseToolCallsAreMalformedIsRolledBackOnTheToolCallErrorRate() {
    traffic(60_000, (cand, u) -> {
      String args = u < (cand ? 0.05 : 0.002) ? "{\"city\": \"Par" : "{\"city\": \"Paris\"}";
      ChatResponse r = new ChatResponse("", FinishReason.TOOL_CALLS, TokenUsage.of(10, 5), "test", "m",
          List.of(new ToolCall("t1", "weather", args)));
      return record(cand, Outcome.SUCCESS, r, false);
    });

    Verdict v = verdict();

    assertThat(v.decision()).as(v.reason()).isEqualTo(Verdict.Decision.ROLLBACK);
    assertThat(v.reason()).startsWith("tool_call_error_rate regression");
  }

  @Test
  void toolCallArgumentsMustBeOneJsonObject() {
    assertThat(ToolCallErrors.isObject("{\"a\": [1, {\"b\": null}]}")).isTrue();
    assertThat(ToolCallErrors.isObject("  {}  ")).isTrue();
    assertThat(ToolCallErrors.isObject("{\"a\": 1")).isFalse();
    assertThat(ToolCallErrors.isObject("[1, 2]")).isFalse();
    assertThat(ToolCallErrors.isObject("{} {}")).isFalse();
    assertThat(ToolCallErrors.isObject("")).isFalse();
    assertThat(ToolCallErrors.isObject("\"text\"")).isFalse();
    assertThat(ToolCallErrors.any(null)).isFalse();
    assertThat(ToolCallErrors.any(new ChatResponse("", FinishReason.TOOL_CALLS, TokenUsage.of(1, 1), "t", "m",
        List.of(new ToolCall("t1", " ", "{}"))))).as("a tool call without a name").isTrue();
  }

  @Test
  void anAnswerARefusalGuardrailFlagsIsRecordedAsRefused() {
    OutputGuardrail refusal = new OutputGuardrail() {
      @Override
      public String name() {
        return "refusal";
      }

      @Override
      public GuardrailResult check(ChatResponse response, dev.sluice.pipeline.CallContext call) {
        return response.text().startsWith("I can't") ? GuardrailResult.pass(1.0) : GuardrailResult.pass();
      }
    };
    List<CallRecord> records = new CopyOnWriteArrayList<>();
    Fixtures.EchoModel model = new Fixtures.EchoModel(r -> ChatResponse.of(r.lastUserText().equals("bad") ? "I can't help with that."
        : "Sure.", TokenUsage.of(3, 3), "test", r.model()));
    try (Sluice s = Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "m", "p1"))
            .guardrails(Guardrails.builder().output(refusal).build()).build())
        .callListener(records::add).build()) {
      s.call("r", ChatRequest.ofUser("bad"), Subject.of("u1"));
      s.call("r", ChatRequest.ofUser("fine"), Subject.of("u2"));
    }
    assertThat(records).extracting(CallRecord::refused).containsExactly(true, false);
    assertThat(records).extracting(CallRecord::outcome).containsOnly(Outcome.SUCCESS);
  }
}
