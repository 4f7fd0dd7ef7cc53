package dev.sluice;

import dev.sluice.subject.Subject;
import dev.sluice.release.VersionLabels;
import dev.sluice.release.Variant;
import dev.sluice.outcome.InvalidConfigurationException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Fixtures.EchoModel;
import dev.sluice.model.ModelParameters;
import org.junit.jupiter.api.Test;

class ConfigurationTest {

  final EchoModel model = EchoModel.answering("ok", 1, 1);

  @Test
  void aVariantWithoutAModelFailsNamingTheField() {
    assertThatThrownBy(() -> Variant.builder("v1").client(model).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("variant[v1].model")
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((InvalidConfigurationException) e).field())
            .isEqualTo("variant[v1].model"));
  }

  @Test
  void aVariantWithoutAClientFailsNamingTheField() {
    assertThatThrownBy(() -> Variant.builder("v1").model("gpt-4o").build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("variant[v1].client");
  }

  @Test
  void aVariantIdThatCannotBeATagFailsWithTheAllowedCharacters() {
    assertThatThrownBy(() -> Variant.builder("v 1!").client(model).model("m").build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("variant.id is 'v 1!'")
        .hasMessageContaining("letters, digits");
  }

  @Test
  void aLabelThatIsTooLongFailsNamingTheLabel() {
    assertThatThrownBy(() -> VersionLabels.builder().promptVersion("p".repeat(65)).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("prompt_version");
  }

  @Test
  void aParameterOutOfRangeFailsNamingTheRange() {
    assertThatThrownBy(() -> ModelParameters.builder().temperature(3))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("temperature is 3.0; allowed: a number from 0 to 2");
    assertThatThrownBy(() -> ModelParameters.builder().maxOutputTokens(0))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("maxOutputTokens");
  }

  @Test
  void aRouteWithNoVariantsFails() {
    assertThatThrownBy(() -> Route.builder("support").build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("route[support].variants");
  }

  @Test
  void aRouteWithoutABaselineFails() {
    Variant v = Variant.builder("v1").client(model).model("m").build();
    assertThatThrownBy(() -> Route.builder("support").variant(v).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("route[support].baseline is missing")
        .hasMessageContaining("[v1]");
  }

  @Test
  void duplicateVariantIdsFail() {
    Variant a = Variant.builder("v1").client(model).model("m").build();
    Variant b = Variant.builder("v1").client(model).model("n").build();
    assertThatThrownBy(() -> Route.builder("support").baseline(a).candidate(b).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("'v1' appears twice");
  }

  @Test
  void aRouteNameThatCannotBeATagFails() {
    Variant v = Variant.builder("v1").client(model).model("m").build();
    assertThatThrownBy(() -> Route.builder("").baseline(v).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("route.name");
  }

  @Test
  void duplicateRouteNamesFailAtBuild() {
    Variant v = Variant.builder("v1").client(model).model("m").build();
    Route r = Route.builder("support").baseline(v).build();
    assertThatThrownBy(() -> Sluice.builder().route(r).route(r).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("'support' is defined twice");
  }

  @Test
  void aSluiceWithNoRoutesFails() {
    assertThatThrownBy(() -> Sluice.builder().build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("at least one route");
  }

  @Test
  void callingAnUnknownRouteNamesTheKnownOnes() {
    Variant v = Variant.builder("v1").client(model).model("m").build();
    Sluice s = Sluice.builder().route(Route.builder("support").baseline(v).build())
        .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()).build();
    assertThatThrownBy(() -> s.call("suport", dev.sluice.model.ChatRequest.ofUser("x"), Subject.anonymous()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown route 'suport'; known routes: [support]");
  }
}
