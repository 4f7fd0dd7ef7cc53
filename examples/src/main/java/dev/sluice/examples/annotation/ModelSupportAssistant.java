package dev.sluice.examples.annotation;

import dev.sluice.SluiceCall;
import dev.sluice.model.ChatRequest;

/**
 * The implementation: it asks the model through the call's client, so it runs whichever release
 * (model, prompt, parameters) the subject was assigned, under the route's timeouts, retries,
 * budget and guardrails.
 */
// implementation:begin
public class ModelSupportAssistant implements SupportAssistant {

  @Override
  public String answer(String userId, String tenant, String question) {
    SluiceCall call = SluiceCall.current();
    String answer = call.client().chat(ChatRequest.ofUser(question)).text();
    return answer + " [" + call.labels().promptVersion().orElse("?") + "]";
  }

  public String apologise(String userId, String tenant, String question, Throwable why) {
    return "Sorry, we cannot answer right now; a person will follow up.";
  }
}
// implementation:end
