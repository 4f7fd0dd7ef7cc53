package dev.sluice.pipeline;

import dev.sluice.model.ChatResponse;
import java.util.concurrent.CompletionStage;

/** The rest of the pipeline after a step; the innermost link calls the variant's model. */
@FunctionalInterface
public interface CallChain {

  CompletionStage<ChatResponse> proceed(CallContext call);
}
