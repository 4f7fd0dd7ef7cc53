package dev.sluice.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Fixtures.EchoModel;
import dev.sluice.Fixtures.Events;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelParameters;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each variant's content has a fingerprint the audit event carries; a Sluice refuses two variants
 * that say one promptVersion over two different prompts.
 */
class VersionsThatCannotLieTest {

  static Variant variant(String id, String model, String systemPrompt, String promptVersion, ModelParameters parameters) {
    return Variant.builder(id).client(EchoModel.answering("ok", 1, 1)).model(model).systemPrompt(systemPrompt).parameters(parameters)
        .labels(VersionLabels.builder().promptVersion(promptVersion).build()).build();
  }

  static final ModelParameters WARM = ModelParameters.builder().temperature(0.7).build();

  @Test
  void theFingerprintFollowsTheContentNotTheIdOrTheLabels() {
    Variant a = variant("a", "gpt-4o-mini", "You are brief.", "p1", WARM);
    Variant sameContent = variant("b", "gpt-4o-mini", "You are brief.", "p9", WARM);
    Variant otherModel = variant("c", "gpt-4.1-mini", "You are brief.", "p1", WARM);
    Variant otherPrompt = variant("d", "gpt-4o-mini", "You are brief!", "p1", WARM);
    Variant otherParameters = variant("e", "gpt-4o-mini", "You are brief.", "p1", ModelParameters.builder().temperature(0.2).build());
    assertThat(sameContent.fingerprint()).isEqualTo(a.fingerprint()).matches("[0-9a-f]{16}");
    assertThat(sameContent.promptFingerprint()).isEqualTo(a.promptFingerprint());
    assertThat(otherModel.fingerprint()).isNotEqualTo(a.fingerprint());
    assertThat(otherModel.promptFingerprint()).as("the model is not the prompt").isEqualTo(a.promptFingerprint());
    assertThat(otherPrompt.promptFingerprint()).isNotEqualTo(a.promptFingerprint());
    assertThat(otherParameters.promptFingerprint()).isNotEqualTo(a.promptFingerprint());
  }

  @Test
  void fieldsCannotImitateOneAnother() {
    ModelParameters twoStops = ModelParameters.builder().stop(List.of("a", "b")).build();
    ModelParameters oneStop = ModelParameters.builder().stop(List.of("a:1:b")).build();
    assertThat(ContentFingerprint.prompt(null, twoStops)).isNotEqualTo(ContentFingerprint.prompt(null, oneStop));
    assertThat(ContentFingerprint.prompt(null, ModelParameters.DEFAULTS)).isNotEqualTo(ContentFingerprint.prompt("", ModelParameters.DEFAULTS));
    assertThat(ContentFingerprint.release("p", "m\nsystem_prompt=-", null, ModelParameters.DEFAULTS))
        .isNotEqualTo(ContentFingerprint.release("p", "m", null, ModelParameters.DEFAULTS));
  }

  @Test
  void anEditedPromptThatKeptItsVersionIsRefusedNamingBothVariants() {
    Route route = Route.builder("support").baseline(variant("v7", "gpt-4o-mini", "You are brief.", "support-v7", WARM))
        .candidate(variant("v8", "gpt-4o-mini", "You are brief and kind.", "support-v7", WARM)).build();
    assertThatThrownBy(() -> Sluice.builder().route(route).build()).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("routes[support].variants[v8].labels.prompt_version")
        .hasMessageContaining("routes[support].variants[v7]")
        .hasMessageContaining("needs a new promptVersion");
  }

  @Test
  void twoRoutesMayUseOneLabelForDifferentPrompts() {
    Route support = Route.builder("support").baseline(variant("v1", "gpt-4o-mini", "You answer support questions.", "v1", WARM)).build();
    Route summary = Route.builder("summary").baseline(variant("v1", "gpt-4o-mini", "You summarise tickets.", "v1", WARM)).build();
    assertThat(Sluice.builder().route(support).route(summary).build().routes()).hasSize(2);
  }

  @Test
  void aNewModelUnderTheSamePromptVersionIsAllowedAndEveryCallCarriesItsFingerprint() {
    Events events = new Events();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Variant v7 = variant("v7", "gpt-4o-mini", "You are brief.", "support-v7", WARM);
    Route route = Route.builder("support").baseline(v7).candidate(variant("v8", "gpt-4.1-mini", "You are brief.", "support-v7", WARM)).build();
    Sluice sluice = Sluice.builder().route(route).auditSink(events::accept).meterRegistry(meters).build();
    sluice.call("support", ChatRequest.ofUser("hi"), Subject.of("u"));
    @SuppressWarnings("unchecked")
    Map<String, String> release = (Map<String, String>) events.only().details().get("release");
    assertThat(release).containsEntry("fingerprint", v7.fingerprint()).containsEntry("prompt_fingerprint", v7.promptFingerprint());
    for (Meter m : meters.getMeters()) {
      assertThat(m.getId().getTags()).as(m.getId().getName()).noneMatch(t -> t.getValue().equals(v7.fingerprint()));
    }
  }
}
