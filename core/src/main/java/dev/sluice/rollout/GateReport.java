package dev.sluice.rollout;

import java.util.List;

/**
 * What the offline gate found: pass rates, token, cost and latency deltas, and failures side by
 * side.
 *
 * @param cases golden cases run
 * @param baselinePassRate share of cases the baseline passed
 * @param candidatePassRate share of cases the candidate passed
 * @param meanTokensDelta candidate minus baseline, mean output tokens per case
 * @param meanCostDeltaUsd candidate minus baseline, mean cost per case (NaN if a price is unknown)
 * @param meanLatencyDeltaMs candidate minus baseline, mean latency per case
 * @param failures the cases the candidate failed, with what each side answered
 * @param passed whether the candidate met the thresholds
 * @param summary one line for people and events
 * @param candidate the candidate the report was made for ({@link #identity}: its id, model and
 *     version labels): a rollout accepts only a report for its own candidate
 */
public record GateReport(int cases, double baselinePassRate, double candidatePassRate, double meanTokensDelta,
    double meanCostDeltaUsd, double meanLatencyDeltaMs, List<Failure> failures, boolean passed, String summary, String candidate) {

  public GateReport {
    failures = List.copyOf(failures);
    java.util.Objects.requireNonNull(candidate, "candidate");
  }

  /**
   * What a report is bound to: the variant's id, model and version labels, e.g.
   * {@code v8 gpt-4.1-mini {prompt_version=support-v8}}. A changed prompt version or model is another
   * candidate, whose gate must run again.
   */
  public static String identity(dev.sluice.release.Variant v) {
    return v.id() + " " + v.model() + " " + new java.util.TreeMap<>(v.labels().asMap());
  }

  /**
   * One golden case the candidate failed.
   *
   * @param caseId the case's id
   * @param failedChecks the checks it failed
   * @param baselineAnswer what the baseline answered (or its error)
   * @param candidateAnswer what the candidate answered (or its error)
   */
  public record Failure(String caseId, List<String> failedChecks, String baselineAnswer, String candidateAnswer) {}
}
