package dev.sluice.internal.resilience;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.internal.JsonSchemas;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.Route;
import dev.sluice.internal.Stages;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.internal.StateChain;
import dev.sluice.internal.CallState;
import dev.sluice.internal.StateStep;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * "Failed but HTTP 200": an answer with no text and no tool calls, an answer cut off at max tokens
 * (unless the route allows it), or text that is not JSON when JSON was asked for, fails the attempt
 * with a retryable {@link ModelCallException.Kind#BAD_OUTPUT}, so retries and the breaker see it.
 */
public final class OutputValidationStep implements StateStep, Stages.Check {

  private static final ObjectMapper JSON = JsonSchemas.JSON;

  private final Route route;

  public OutputValidationStep(Route route) {
    this.route = route;
  }

  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    return Stages.check(next.proceed(call), call, this);
  }

  /** The answer as it is, or a retryable {@code BAD_OUTPUT} failure saying why it cannot be used. */
  @Override
  public ChatResponse check(CallState call, ChatResponse response) {
    String problem = problem(call, response);
    if (problem != null) {
      throw unusable(call, problem);
    }
    return response;
  }

  private static ModelCallException unusable(CallState call, String problem) {
    return ModelCallException.of(ModelCallException.Kind.BAD_OUTPUT,
        "variant '" + call.requireVariant().id() + "' answered HTTP 200 with unusable output: " + problem);
  }

  private @Nullable String problem(CallState call, ChatResponse r) {
    if (r.finishReason() == FinishReason.REFUSAL) {
      // A refusal is an answer of its own (outcome REFUSED), not empty output to retry.
      return null;
    }
    if (r.text().isBlank() && r.toolCalls().isEmpty()) {
      return "empty output";
    }
    if (r.finishReason() == FinishReason.LENGTH && route.resilience(call.requireVariant()).outputValidation().failOnTruncatedOutput()) {
      return "output truncated at max output tokens";
    }
    if (call.request().responseFormat().wantsJson() && r.toolCalls().isEmpty()) {
      try {
        JSON.readTree(stripFence(r.text()));
      } catch (JsonProcessingException e) {
        return e instanceof StreamConstraintsException ? "JSON was asked for but the output is nested deeper than " + JsonSchemas.MAX_DEPTH + " levels"
            : "JSON was asked for but the output does not parse" + JsonSchemas.where(e);
      }
    }
    return null;
  }

  /** Models often wrap JSON in a markdown code fence; the JSON inside is what counts. */
  public static String stripFence(String text) {
    String t = text.strip();
    if (t.startsWith("```")) {
      int firstNewline = t.indexOf('\n');
      int end = t.lastIndexOf("```");
      if (firstNewline > 0 && end > firstNewline) {
        return t.substring(firstNewline + 1, end).strip();
      }
    }
    return t;
  }
}
