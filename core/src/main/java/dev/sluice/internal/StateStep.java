package dev.sluice.internal;

import dev.sluice.model.ChatResponse;
import java.util.concurrent.CompletionStage;

/**
 * One of Sluice's own steps: like {@link dev.sluice.pipeline.CallStep}, but given the executor's
 * side of the call ({@link CallState}), which it may change through its narrow operations. The
 * application's steps get only the read-only {@link dev.sluice.pipeline.CallContext}.
 */
@FunctionalInterface
public interface StateStep {

  CompletionStage<ChatResponse> apply(CallState call, StateChain next);
}
