package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.JsonOutput;
import dev.sluice.model.TokenUsage;
import org.junit.jupiter.api.Test;

/** JSON built to overflow a recursive validator ends in a reprompt naming the depth limit, never a StackOverflowError. */
class HostileJsonTest {

  static final String RECURSIVE = "{\"$defs\":{\"a\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/a\"}}},\"$ref\":\"#/$defs/a\"}";

  @Test
  void arraysNestedAThousandDeepAreRefusedByDepth() {
    String deep = "[".repeat(1000) + "]".repeat(1000);
    GuardrailResult r = JsonSchemaGuardrail.of(RECURSIVE).check(ChatResponse.of(deep, TokenUsage.ZERO, "t", "m"), LinearTimeTest.call());
    assertThat(r.kind()).isEqualTo(GuardrailResult.Kind.REPROMPT);
    assertThat(r.text()).contains("nested deeper than 64");
  }

  @Test
  void nestingUpToTheLimitIsValidated() {
    String ok = "[".repeat(60) + "]".repeat(60);
    assertThat(JsonOutput.schemaProblems(RECURSIVE, ok)).isEmpty();
  }

  @Test
  void aParseErrorSaysWhereNotWhat() {
    assertThat(JsonOutput.schemaProblems("{\"type\":\"object\"}", "{\"card\": 4111111111111111x}"))
        .singleElement().asString().startsWith("not JSON at line 1").doesNotContain("4111");
  }
}
