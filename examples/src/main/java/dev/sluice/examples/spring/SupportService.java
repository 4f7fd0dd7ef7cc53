package dev.sluice.examples.spring;

import dev.sluice.SluiceCall;
import dev.sluice.annotation.LlmRoute;
import dev.sluice.annotation.RoutingKey;
import dev.sluice.annotation.SubjectAttribute;
import dev.sluice.model.ChatRequest;
import org.springframework.stereotype.Service;

/** A Spring bean whose method runs inside the {@code support-answer} route. */
// spring:begin
@Service
public class SupportService {

  @LlmRoute(value = "support-answer", fallbackMethod = "apologise")
  public String answer(@RoutingKey String userId, @SubjectAttribute("tenant") String tenant, String question) {
    SluiceCall call = SluiceCall.current();
    return call.client().chat(ChatRequest.ofUser(question)).text() + " [" + call.labels().promptVersion().orElse("?") + "]";
  }

  public String apologise(String userId, String tenant, String question, Throwable why) {
    return "Sorry, we cannot answer right now; a person will follow up.";
  }
}
// spring:end
