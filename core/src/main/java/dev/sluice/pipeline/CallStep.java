package dev.sluice.pipeline;

import dev.sluice.model.ChatResponse;
import java.util.concurrent.CompletionStage;

/**
 * One concern of the call pipeline. A step receives the call and the rest of the pipeline; it may
 * act before ({@code next.proceed(call)}), after (on the returned stage), instead of it (answer or
 * fail without proceeding), or several times (retries). Outermost first, as in Failsafe.
 *
 * <pre>{@code
 * CallStep tagTenant = (call, next) -> {
 *   call.detail("tenant_seen", call.subject().tenant().isPresent());
 *   return next.proceed(call);
 * };
 * }</pre>
 *
 * <p>A step must not block, and must not throw: it fails by returning a failed stage whose cause
 * is a {@link dev.sluice.outcome.SluiceException} (the executor wraps anything else). Steps are shared by
 * all calls of a route and must be thread-safe; per-call state lives in the {@link CallContext}.
 */
@FunctionalInterface
public interface CallStep {

  CompletionStage<ChatResponse> apply(CallContext call, CallChain next);
}
