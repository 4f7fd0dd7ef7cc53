package dev.sluice.model;

import dev.sluice.internal.JsonSchemas;
import dev.sluice.internal.resilience.OutputValidationStep;
import java.util.List;

/**
 * How Sluice reads JSON a model wrote, for guardrails and gates that check it the same way the
 * pipeline does: the JSON inside a markdown code fence, and its problems against a JSON Schema
 * (draft 2020-12 unless the schema names another; compiled schemas are cached by their text).
 *
 * <pre>{@code
 * List<String> problems = JsonOutput.schemaProblems(schemaJson, JsonOutput.unfenced(response.text()));
 * }</pre>
 */
public final class JsonOutput {

  private JsonOutput() {}

  /** The text inside a markdown code fence ({@code ```json ... ```}), or the stripped text if it has none. */
  public static String unfenced(String text) {
    return OutputValidationStep.stripFence(text);
  }

  /**
   * The problems of {@code json} against {@code schemaJson}: empty when it is valid, one entry
   * saying it does not parse when it is not JSON. A schema that is not valid JSON Schema throws.
   */
  public static List<String> schemaProblems(String schemaJson, String json) {
    return JsonSchemas.problems(schemaJson, json);
  }
}
