package dev.sluice.internal.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.SluiceException;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import java.lang.reflect.Type;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns a method body's result into the answer the pipeline checks, and the pipeline's answer back
 * into the method's return type. Text is text; any other type travels as JSON, so output
 * guardrails and schema checks see what the method returned, and a redacted or fallback answer can
 * be read back as the method's type.
 */
final class Answers {

  private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Answers() {}

  static JavaType type(Type type) {
    return JSON.getTypeFactory().constructType(type);
  }

  /** The answer for a body result; {@code null} is an empty answer, which output validation fails. */
  static ChatResponse toResponse(@Nullable Object result, Attempt attempt, @Nullable ChatResponse last) {
    if (result instanceof ChatResponse r) {
      return r;
    }
    String text;
    if (result == null) {
      text = "";
    } else if (result instanceof CharSequence cs) {
      text = cs.toString();
    } else {
      try {
        text = JSON.writeValueAsString(result);
      } catch (JsonProcessingException e) {
        throw new ModelCallException(ModelCallException.Kind.OTHER, 0,
            "the method's result of type " + result.getClass().getName() + " cannot be written as JSON: " + e.getOriginalMessage(), null, e);
      }
    }
    String provider = last != null ? last.provider() : attempt.variant().client().provider();
    String model = last != null ? last.responseModel() : attempt.variant().model();
    FinishReason finish = last != null ? last.finishReason() : FinishReason.STOP;
    return new ChatResponse(text, finish, attempt.usage(), provider, model, List.of());
  }

  /** Reads an answer that did not come from the body (a rewrite or a fallback link) as the method's type. */
  static Object read(String text, JavaType type, String method) {
    try {
      return JSON.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new SluiceException("the answer for " + method + " is not a " + type.toCanonical() + " (it came from a guardrail rewrite or a "
          + "fallback link and could not be read as JSON): " + e.getOriginalMessage(), e);
    }
  }
}
