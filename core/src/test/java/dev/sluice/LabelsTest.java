package dev.sluice;

import dev.sluice.subject.Subject;
import dev.sluice.release.VersionLabels;
import dev.sluice.release.Variant;
import dev.sluice.outcome.Outcome;
import dev.sluice.outcome.BudgetExceededException;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures.EchoModel;
import dev.sluice.Fixtures.Events;
import dev.sluice.audit.AuditEvent;
import dev.sluice.model.ChatRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class LabelsTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Events events = new Events();
  final EchoModel model = EchoModel.answering("Reset it under Settings.", 50, 20);

  Sluice sluice() {
    Variant v = Variant.builder("v7")
        .client(model)
        .model("gpt-4o-mini")
        .labels(VersionLabels.builder()
            .modelVersion("gpt-4o-mini-2024-07-18")
            .promptVersion("support-v7")
            .retrievalVersion("kb-2026-10")
            .policyVersion("policy-3")
            .build())
        .build();
    return Sluice.builder()
        .route(Route.builder("support-answer").baseline(v).build())
        .meterRegistry(registry)
        .auditSink(events::accept)
        .build();
  }

  @Test
  void labelsReachTheResponse() {
    SluiceResponse r = sluice().call("support-answer", ChatRequest.ofUser("reset password?"), Subject.of("user-1"));

    assertThat(r.variantId()).isEqualTo("v7");
    assertThat(r.route()).isEqualTo("support-answer");
    assertThat(r.labels().modelVersion()).contains("gpt-4o-mini-2024-07-18");
    assertThat(r.labels().promptVersion()).contains("support-v7");
    assertThat(r.labels().retrievalVersion()).contains("kb-2026-10");
    assertThat(r.labels().policyVersion()).contains("policy-3");
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.usage().inputTokens()).isEqualTo(50);
    assertThat(r.text()).isEqualTo("Reset it under Settings.");
    assertThat(r.fallback()).isEmpty();
  }

  @Test
  void labelsReachTheMdcWhileTheModelIsCalledAndAreClearedAfter() {
    sluice().call("support-answer", ChatRequest.ofUser("hi"), Subject.builder().routingKey("u").tenant("acme").build());

    assertThat(model.mdcSeen).hasSize(1);
    assertThat(model.mdcSeen.get(0))
        .containsEntry("sluice.route", "support-answer")
        .containsEntry("sluice.variant", "v7")
        .containsEntry("sluice.model_version", "gpt-4o-mini-2024-07-18")
        .containsEntry("sluice.prompt_version", "support-v7")
        .containsEntry("sluice.retrieval_version", "kb-2026-10")
        .containsEntry("sluice.policy_version", "policy-3")
        .containsEntry("sluice.tenant", "acme")
        .containsKey("sluice.call_id");
    assertThat(org.slf4j.MDC.get("sluice.route")).isNull();
    assertThat(org.slf4j.MDC.get("sluice.variant")).isNull();
  }

  @Test
  void theAuditSinkSeesTheCallsMdcAndNothingLingersAfter() {
    java.util.List<java.util.Map<String, String>> seen = new java.util.ArrayList<>();
    Variant v = Variant.builder("v7").client(model).model("gpt-4o-mini")
        .labels(VersionLabels.builder().promptVersion("support-v7").build()).build();
    Sluice s = Sluice.builder().route(Route.builder("support-answer").baseline(v).build()).meterRegistry(registry)
        .auditSink(e -> seen.add(org.slf4j.MDC.getCopyOfContextMap())).build();

    SluiceResponse r = s.call("support-answer", ChatRequest.ofUser("hi"), Subject.builder().routingKey("u").tenant("acme").build());

    assertThat(seen).hasSize(1);
    assertThat(seen.get(0))
        .containsEntry("sluice.call_id", r.callId())
        .containsEntry("sluice.route", "support-answer")
        .containsEntry("sluice.variant", "v7")
        .containsEntry("sluice.prompt_version", "support-v7")
        .containsEntry("sluice.tenant", "acme")
        .doesNotContainKey("sluice.model_version");
    assertThat(org.slf4j.MDC.getCopyOfContextMap()).satisfiesAnyOf(
        m -> assertThat(m).isNull(), m -> assertThat(m).doesNotContainKeys("sluice.call_id", "sluice.route", "sluice.variant",
            "sluice.tenant", "sluice.prompt_version"));
  }

  @Test
  void aCallRefusedAtOnceIsRecordedWithItsMdc() {
    java.util.List<java.util.Map<String, String>> seen = new java.util.ArrayList<>();
    Variant v = Variant.builder("v7").client(model).model("gpt-4o-mini").build();
    Sluice s = Sluice.builder()
        .route(Route.builder("support-answer").baseline(v).budget(dev.sluice.budget.BudgetPolicy.builder()
            .cap(dev.sluice.budget.BudgetCap.tokens(dev.sluice.budget.BudgetScope.ROUTE, dev.sluice.budget.BudgetPeriod.DAY, 10))
            .build()).build())
        .meterRegistry(registry).auditSink(e -> seen.add(org.slf4j.MDC.getCopyOfContextMap())).build();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.call("support-answer", ChatRequest.ofUser("hi"), Subject.of("u")))
        .isInstanceOf(BudgetExceededException.class);

    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).containsEntry("sluice.route", "support-answer").containsEntry("sluice.variant", "v7")
        .containsKey("sluice.call_id");
    assertThat(model.requests).isEmpty();
  }

  @Test
  void aCallMadeInsideAnotherCallsMdcRestoresItAfter() {
    org.slf4j.MDC.put("sluice.call_id", "outer-call");
    org.slf4j.MDC.put("sluice.route", "outer-route");
    org.slf4j.MDC.put("sluice.variant", "outer-variant");
    org.slf4j.MDC.put("sluice.retrieval_version", "outer-kb");
    org.slf4j.MDC.put("app.request", "r-1");
    try {
      SluiceResponse r = sluice().call("support-answer", ChatRequest.ofUser("hi"), Subject.of("u"));

      assertThat(model.mdcSeen.get(0)).containsEntry("sluice.call_id", r.callId()).containsEntry("sluice.variant", "v7")
          .containsEntry("sluice.retrieval_version", "kb-2026-10").containsEntry("app.request", "r-1")
          .doesNotContainKey("sluice.tenant");
      assertThat(org.slf4j.MDC.getCopyOfContextMap()).isEqualTo(java.util.Map.of(
          "sluice.call_id", "outer-call", "sluice.route", "outer-route", "sluice.variant", "outer-variant",
          "sluice.retrieval_version", "outer-kb", "app.request", "r-1"));
    } finally {
      org.slf4j.MDC.clear();
    }
  }

  @Test
  void labelsReachTheAuditEventWhichHoldsNoText() {
    SluiceResponse r = sluice().call("support-answer", ChatRequest.ofUser("my card is 4111 1111 1111 1111"), Subject.of("user-9"));

    AuditEvent e = events.only();
    assertThat(e.callId()).isEqualTo(r.callId());
    assertThat(e.variant()).isEqualTo("v7");
    assertThat(e.labels()).containsEntry("prompt_version", "support-v7").containsEntry("policy_version", "policy-3");
    assertThat(e.outcome()).isEqualTo("success");
    assertThat(e.routingKey()).isEqualTo("user-9");
    assertThat(e.requestChars()).isEqualTo("my card is 4111 1111 1111 1111".length());
    assertThat(e.requestFingerprint()).hasSize(16);
    assertThat(e.responseChars()).isEqualTo("Reset it under Settings.".length());
    assertThat(e.requestText()).isNull();
    assertThat(e.responseText()).isNull();
    assertThat(e.toJson()).doesNotContain("4111").doesNotContain("Reset it").contains("\"prompt_version\":\"support-v7\"");
  }

  @Test
  void auditTextIsIncludedOnlyWhenAskedFor() {
    Variant v = Variant.builder("v1").client(model).model("gpt-4o-mini").build();
    Sluice s = Sluice.builder().route(Route.builder("r").baseline(v).build())
        .meterRegistry(registry).auditSink(events::accept).auditText(true).build();

    s.call("r", ChatRequest.ofUser("what is up"), Subject.anonymous());

    assertThat(events.only().requestText()).isEqualTo("what is up");
    assertThat(events.only().responseText()).isEqualTo("Reset it under Settings.");
  }

  @Test
  void labelsReachTheMeters() {
    sluice().call("support-answer", ChatRequest.ofUser("a"), Subject.of("user-1"));
    sluice().call("support-answer", ChatRequest.ofUser("b"), Subject.of("user-2"));

    Counter calls = registry.get("sluice.calls")
        .tag("route", "support-answer").tag("variant", "v7")
        .tag("model_version", "gpt-4o-mini-2024-07-18").tag("prompt_version", "support-v7")
        .tag("retrieval_version", "kb-2026-10").tag("policy_version", "policy-3")
        .tag("outcome", "success").tag("fallback", "none")
        .counter();
    assertThat(calls.count()).isEqualTo(2.0);
    assertThat(registry.get("gen_ai.client.operation.duration")
        .tag("gen_ai.operation.name", "chat").tag("gen_ai.provider.name", "test")
        .tag("gen_ai.request.model", "gpt-4o-mini").tag("gen_ai.response.model", "gpt-4o-mini")
        .timer().count()).isEqualTo(2);
    assertThat(registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input").summary().totalAmount())
        .isEqualTo(100.0);
    assertThat(registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "output").summary().totalAmount())
        .isEqualTo(40.0);
    assertThat(registry.get("sluice.call.duration").tag("outcome", "success").timer().count()).isEqualTo(2);
  }

  @Test
  void theVariantsSystemPromptModelAndParametersAreWhatTheModelReceives() {
    Variant v = Variant.builder("v2").client(model).model("gpt-4.1-mini").systemPrompt("Be brief.")
        .parameters(dev.sluice.model.ModelParameters.builder().temperature(0.1).build()).build();
    Sluice s = Sluice.builder().route(Route.builder("r").baseline(v).build()).meterRegistry(registry).auditSink(events::accept).build();

    s.call("r", ChatRequest.builder().system("old system").user("hello")
        .parameters(dev.sluice.model.ModelParameters.builder().temperature(0.9).maxOutputTokens(50).build()).build(),
        Subject.anonymous());

    ChatRequest sent = model.requests.get(0);
    assertThat(sent.model()).isEqualTo("gpt-4.1-mini");
    assertThat(sent.messages()).extracting(m -> m.content()).containsExactly("Be brief.", "hello");
    assertThat(sent.parameters().temperature()).isEqualTo(0.1);
    assertThat(sent.parameters().maxOutputTokens()).isEqualTo(50);
  }
}
