package dev.sluice.rollout;

/**
 * What the shadow has seen so far: runs of the candidate and noise runs of the baseline against
 * itself (as Diffy does), their similarity to the served answer, and how many candidate answers
 * differ by more than the noise floor. Thread-safe.
 */
public final class ShadowStats {

  private long candidateRuns;
  private long noiseRuns;
  private long failures;
  private long dropped;
  private long overBudget;
  private long exactMatches;
  private long jsonMatches;
  private double candidateSum;
  private double noiseSum;
  private double noiseSumSq;
  private long differences;
  private long noiseDifferences;
  private long noiseJudged;
  private long judged;

  /** For the shadow step. */
  public synchronized void record(boolean noise, ShadowComparison c) {
    if (noise) {
      if (noiseRuns >= 10) {
        // judged against the floor of the runs before it, as a candidate run is
        noiseJudged++;
        noiseDifferences += c.similarity() < noiseFloor() ? 1 : 0;
      }
      noiseRuns++;
      noiseSum += c.similarity();
      noiseSumSq += c.similarity() * c.similarity();
      return;
    }
    candidateRuns++;
    candidateSum += c.similarity();
    if (c.exact()) exactMatches++;
    if (c.jsonStructure()) jsonMatches++;
    if (noiseRuns >= 10) {
      judged++;
      differences += c.similarity() < noiseFloor() ? 1 : 0;
    }
  }

  /** For the shadow step. */
  public synchronized void recordFailure() {
    failures++;
  }

  /** For the shadow step. */
  public synchronized void recordDropped() {
    dropped++;
  }

  /** For the shadow step. */
  public synchronized void recordOverBudget() {
    overBudget++;
  }

  public synchronized long candidateRuns() {
    return candidateRuns;
  }

  public synchronized long noiseRuns() {
    return noiseRuns;
  }

  public synchronized long failures() {
    return failures;
  }

  /** Shadow runs not made because the shadow's queue or concurrency cap was full. */
  public synchronized long dropped() {
    return dropped;
  }

  /** Shadow runs not made because the shadow's own budget was spent. */
  public synchronized long overBudget() {
    return overBudget;
  }

  public synchronized double exactMatchRate() {
    return candidateRuns == 0 ? Double.NaN : (double) exactMatches / candidateRuns;
  }

  public synchronized double jsonStructureMatchRate() {
    return candidateRuns == 0 ? Double.NaN : (double) jsonMatches / candidateRuns;
  }

  public synchronized double meanCandidateSimilarity() {
    return candidateRuns == 0 ? Double.NaN : candidateSum / candidateRuns;
  }

  /** Mean similarity of the baseline to itself: how much answers vary with no change at all. */
  public synchronized double meanNoiseSimilarity() {
    return noiseRuns == 0 ? Double.NaN : noiseSum / noiseRuns;
  }

  /**
   * The similarity below which a candidate answer counts as different: the noise mean minus two
   * standard deviations of the noise.
   */
  public synchronized double noiseFloor() {
    if (noiseRuns < 2) {
      return Double.NaN;
    }
    double mean = noiseSum / noiseRuns;
    double var = Math.max(0, noiseSumSq / noiseRuns - mean * mean);
    return mean - 2 * Math.sqrt(var);
  }

  /** Candidate answers less similar than the noise floor (counted once at least 10 noise runs exist). */
  public synchronized long differences() {
    return differences;
  }

  /** Candidate runs judged against the floor (those made once at least 10 noise runs existed). */
  public synchronized long candidateRunsJudged() {
    return judged;
  }

  /**
   * Noise runs less similar than the floor of the noise runs before them: the share of answers that
   * differ with no change at all, what the candidate's differences are compared with.
   */
  public synchronized long noiseDifferences() {
    return noiseDifferences;
  }

  /** Noise runs judged against the floor (those made once at least 10 noise runs existed). */
  public synchronized long noiseRunsJudged() {
    return noiseJudged;
  }

  @Override
  public synchronized String toString() {
    return "ShadowStats[candidate=" + candidateRuns + ", noise=" + noiseRuns + ", similarity=" + meanCandidateSimilarity()
        + " vs noise " + meanNoiseSimilarity() + ", differences=" + differences + ", failures=" + failures + ", dropped="
        + dropped + ", overBudget=" + overBudget + "]";
  }
}
