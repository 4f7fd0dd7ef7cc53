package dev.sluice.guardrails;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.JsonOutput;
import dev.sluice.model.ToolCall;
import dev.sluice.pipeline.CallContext;
import java.util.List;
import java.util.Map;

/**
 * Blocks tool calls to functions not on the allowlist, and asks for a reprompt when a call's
 * arguments do not follow that function's JSON Schema.
 *
 * @param allowed function name to its argument schema (JSON text)
 */
public record ToolCallAllowlist(Map<String, String> allowed) implements OutputGuardrail {

  public ToolCallAllowlist {
    allowed = Map.copyOf(allowed);
  }

  @Override
  public String name() {
    return "tool-call-allowlist";
  }

  @Override
  public GuardrailResult check(ChatResponse response, CallContext call) {
    for (ToolCall c : response.toolCalls()) {
      String schema = allowed.get(c.name());
      if (schema == null) {
        return GuardrailResult.block("tool '" + c.name() + "' is not on the allowlist " + allowed.keySet());
      }
      List<String> problems = JsonOutput.schemaProblems(schema, c.argumentsJson());
      if (!problems.isEmpty()) {
        return GuardrailResult.reprompt("The arguments of tool call '" + c.name() + "' do not follow its schema: " + problems.get(0));
      }
    }
    return GuardrailResult.pass();
  }
}
