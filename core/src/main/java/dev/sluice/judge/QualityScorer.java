package dev.sluice.judge;

import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;

/** The application's own quality score of an answer, 0 to 1 (an LLM grader, a heuristic, user feedback). Must be thread-safe. */
@FunctionalInterface
public interface QualityScorer {

  double score(ChatRequest request, ChatResponse response);
}
