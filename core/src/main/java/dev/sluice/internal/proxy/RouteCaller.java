package dev.sluice.internal.proxy;

import dev.sluice.SluiceStream;
import dev.sluice.subject.Subject;
import dev.sluice.SluiceResponse;
import dev.sluice.model.ChatRequest;
import java.util.concurrent.CompletableFuture;

/** Runs a route's pipeline with a method body in place of the model call. */
public interface RouteCaller {

  CompletableFuture<SluiceResponse> call(String route, ChatRequest request, Subject subject, AttemptBody body);

  /** The same as a stream: the body returns the publisher each attempt reads. */
  SluiceStream stream(String route, ChatRequest request, Subject subject, AttemptBody body);
}
