package dev.sluice.internal;

import dev.sluice.model.ChatResponse;
import java.util.concurrent.CompletionStage;

/** The rest of the pipeline after one of Sluice's own steps; the innermost link calls the model. */
@FunctionalInterface
public interface StateChain {

  CompletionStage<ChatResponse> proceed(CallState call);
}
