package dev.sluice.pipeline;

import dev.sluice.outcome.Outcome;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A finished call, as {@link CallListener}s see it: enough for the judge's windows and for
 * reports, never the subject.
 *
 * @param at when the call started
 * @param route the route
 * @param variant the variant assignment picked
 * @param candidate whether that variant is the rollout's candidate
 * @param stage the rollout stage's name, or {@code none}
 * @param outcome how the call ended
 * @param errorKind the model failure's kind tag (e.g. {@code bad_output}), or null
 * @param latencyNanos the call's latency
 * @param tokens input plus output tokens over every attempt
 * @param costUsd the cost in dollars, NaN if unknown
 * @param fallbackKind the fallback that answered, or null
 * @param request the request as sent (after input guardrails)
 * @param response the answer, or null if the call failed
 * @param firstChunkNanos a streamed call's time from its start to its (last attempt's) first chunk; -1 if not streamed or none came
 * @param subjectGroup the subject's group for the judge ({@code Judge.subjectGroup} of its routing
 *     key: a hash, not the subject), so that calls of one subject are judged as one unit; -1 when
 *     the call had no routing key
 * @param callId the call's id (as on its response and audit event), for feedback that arrives
 *     later; empty when not known
 * @param assignment why the variant was picked ({@code dev.sluice.rollout.Assignment#reason()}:
 *     {@code candidate}, {@code baseline}, {@code cohort}, {@code holdback}, {@code pinned}, ...);
 *     the judge compares only the random ones
 * @param segment the subject's segment when the rollout plan declares segments, else empty
 * @param refused whether the model refused: its answer's finish reason was a refusal (outcome
 *     {@code REFUSED}), or an output guardrail named {@code refusal} flagged the answer
 */
public record CallRecord(Instant at, String route, String variant, boolean candidate, String stage, Outcome outcome,
    @Nullable String errorKind, long latencyNanos, long tokens, double costUsd, @Nullable String fallbackKind,
    ChatRequest request, @Nullable ChatResponse response, long firstChunkNanos, int subjectGroup, String callId,
    String assignment, String segment, boolean refused) {

  /** A call refused only if its outcome says so. */
  public CallRecord(Instant at, String route, String variant, boolean candidate, String stage, Outcome outcome,
      @Nullable String errorKind, long latencyNanos, long tokens, double costUsd, @Nullable String fallbackKind,
      ChatRequest request, @Nullable ChatResponse response, long firstChunkNanos, int subjectGroup, String callId,
      String assignment, String segment) {
    this(at, route, variant, candidate, stage, outcome, errorKind, latencyNanos, tokens, costUsd, fallbackKind, request, response,
        firstChunkNanos, subjectGroup, callId, assignment, segment, outcome == Outcome.REFUSED);
  }

  /** A call assigned by its subject's bucket ({@code candidate} or {@code baseline}), outside any segment. */
  public CallRecord(Instant at, String route, String variant, boolean candidate, String stage, Outcome outcome,
      @Nullable String errorKind, long latencyNanos, long tokens, double costUsd, @Nullable String fallbackKind,
      ChatRequest request, @Nullable ChatResponse response, long firstChunkNanos, int subjectGroup, String callId) {
    this(at, route, variant, candidate, stage, outcome, errorKind, latencyNanos, tokens, costUsd, fallbackKind, request, response,
        firstChunkNanos, subjectGroup, callId, candidate ? "candidate" : "baseline", "");
  }

  /** A call without an id. */
  public CallRecord(Instant at, String route, String variant, boolean candidate, String stage, Outcome outcome,
      @Nullable String errorKind, long latencyNanos, long tokens, double costUsd, @Nullable String fallbackKind,
      ChatRequest request, @Nullable ChatResponse response, long firstChunkNanos, int subjectGroup) {
    this(at, route, variant, candidate, stage, outcome, errorKind, latencyNanos, tokens, costUsd, fallbackKind, request, response,
        firstChunkNanos, subjectGroup, "");
  }

  /** A call without a subject group (as if it had no routing key). */
  public CallRecord(Instant at, String route, String variant, boolean candidate, String stage, Outcome outcome,
      @Nullable String errorKind, long latencyNanos, long tokens, double costUsd, @Nullable String fallbackKind,
      ChatRequest request, @Nullable ChatResponse response, long firstChunkNanos) {
    this(at, route, variant, candidate, stage, outcome, errorKind, latencyNanos, tokens, costUsd, fallbackKind, request, response,
        firstChunkNanos, -1);
  }

  /** A call that was not streamed. */
  public CallRecord(Instant at, String route, String variant, boolean candidate, String stage, Outcome outcome,
      @Nullable String errorKind, long latencyNanos, long tokens, double costUsd, @Nullable String fallbackKind,
      ChatRequest request, @Nullable ChatResponse response) {
    this(at, route, variant, candidate, stage, outcome, errorKind, latencyNanos, tokens, costUsd, fallbackKind, request, response, -1);
  }
}
