package dev.sluice.guardrails;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.JsonOutput;
import dev.sluice.pipeline.CallContext;
import java.util.List;
import java.util.Objects;

/**
 * Checks that the answer is JSON that follows a JSON Schema (networknt, draft 2020-12); if not,
 * asks for a reprompt that quotes the first problems, so the model can correct itself.
 */
public final class JsonSchemaGuardrail implements OutputGuardrail {

  private final String schema;

  private JsonSchemaGuardrail(String schema) {
    this.schema = Objects.requireNonNull(schema, "schema");
  }

  public static JsonSchemaGuardrail of(String schemaJson) {
    JsonOutput.schemaProblems(schemaJson, "{}"); // compile now: a bad schema fails at configuration time
    return new JsonSchemaGuardrail(schemaJson);
  }

  @Override
  public String name() {
    return "json-schema";
  }

  @Override
  public GuardrailResult check(ChatResponse response, CallContext call) {
    List<String> problems = JsonOutput.schemaProblems(schema, JsonOutput.unfenced(response.text()));
    if (problems.isEmpty()) {
      return GuardrailResult.pass();
    }
    return GuardrailResult.reprompt("Your answer must be only JSON that follows the schema. Problems: "
        + String.join("; ", problems.subList(0, Math.min(3, problems.size()))));
  }
}
