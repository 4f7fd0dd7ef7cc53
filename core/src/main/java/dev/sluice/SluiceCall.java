package dev.sluice;

import dev.sluice.subject.Subject;
import dev.sluice.release.VersionLabels;
import dev.sluice.release.Variant;
import dev.sluice.internal.proxy.CurrentCall;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelClient;
import java.util.Optional;

/**
 * The attempt an {@link dev.sluice.annotation.LlmRoute @LlmRoute} method is running in: the
 * release it was assigned and a model client that goes through Sluice. A method body reads it with
 * {@link #current()} or declares a parameter of this type (callers pass {@code null}; Sluice fills
 * it in).
 *
 * <pre>{@code
 * public String answer(String userId, String question) {
 *   SluiceCall call = SluiceCall.current();
 *   log.info("answering with prompt {}", call.labels().promptVersion());
 *   return call.client().chat(call.request()).text();
 * }
 * }</pre>
 *
 * <p>{@link #current()} is bound to the thread while the method body runs. A method that returns a
 * {@code CompletionStage} and continues on other threads should take the call as a parameter, or
 * read it once at the start.
 */
public interface SluiceCall {

  /** The call this thread's {@code @LlmRoute} method is running in. */
  static SluiceCall current() {
    return CurrentCall.get().orElseThrow(() -> new IllegalStateException(
        "no Sluice call on this thread: SluiceCall.current() works inside an @LlmRoute method called through "
            + "sluice.proxy(...) or the Spring starter; in a CompletionStage continuation, take a SluiceCall parameter instead"));
  }

  /** The call this thread's {@code @LlmRoute} method is running in, if any. */
  static Optional<SluiceCall> find() {
    return CurrentCall.get();
  }

  /** The call's id, as in the audit event and the MDC. */
  String callId();

  /** The route's name. */
  String route();

  /** Who the call is for. */
  Subject subject();

  /** The release this attempt runs: its model, parameters, system prompt and labels. */
  Variant variant();

  /** The variant's version labels (model, prompt, retrieval and policy versions). */
  default VersionLabels labels() {
    return variant().labels();
  }

  /** 1 for the first attempt, 2 for the first retry, and so on. */
  int attempt();

  /**
   * The request Sluice built from the method's text arguments (one user message per argument), as
   * the input guardrails left it: redacted if a guardrail rewrote it.
   */
  ChatRequest request();

  /**
   * The variant's model client, through Sluice: each request gets the variant's model, parameters
   * and system prompt, is aborted when the attempt times out or the call is cancelled, and its
   * tokens, cost and latency count toward the call's metrics, budget and audit event.
   */
  ModelClient client();
}
