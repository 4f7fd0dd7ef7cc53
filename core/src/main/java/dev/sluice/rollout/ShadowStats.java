package dev.sluice.rollout;

/**
 * What the shadow has seen so far: runs of the candidate and noise runs of the baseline against
 * itself (as Diffy does), their similarity to the served answer, how many candidate answers differ
 * by more than the noise floor, and what they cost in time and money: each run's latency (the
 * candidate's runs against the noise runs, both shadow calls made the same way) and each candidate
 * run's cost paired with the cost of the answer served for the same request. Thread-safe.
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
  /** Log-latency moments of the candidate's runs (index 1) and the noise runs (0): n, sum, sum of squares. */
  private final double[][] logLatency = new double[2][3];
  /** Candidate runs whose cost and their served answer's are both known: n, Σc, Σs, Σc², Σs², Σcs. */
  private final double[] costPairs = new double[6];
  private long unknownCost;

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

  /**
   * For the shadow step: a successful run's latency in seconds, and for a candidate run its cost and
   * the served answer's cost for the same request, in dollars (NaN when either is not known).
   */
  public synchronized void recordCost(boolean noise, double latencySeconds, double costUsd, double servedCostUsd) {
    if (latencySeconds > 0 && Double.isFinite(latencySeconds)) {
      double[] m = logLatency[noise ? 0 : 1];
      double l = Math.log(latencySeconds);
      m[0]++;
      m[1] += l;
      m[2] += l * l;
    }
    if (noise) {
      return;
    }
    if (Double.isNaN(costUsd) || Double.isNaN(servedCostUsd)) {
      unknownCost++;
      return;
    }
    double[] c = costPairs;
    c[0]++;
    c[1] += costUsd;
    c[2] += servedCostUsd;
    c[3] += costUsd * costUsd;
    c[4] += servedCostUsd * servedCostUsd;
    c[5] += costUsd * servedCostUsd;
  }

  /** Log-latency moments (n, sum, sum of squares) of the candidate's shadow runs, or of the noise runs. */
  public synchronized double[] logLatency(boolean noise) {
    return logLatency[noise ? 0 : 1].clone();
  }

  /** Candidate runs whose cost and the served answer's are both known: n, Σcandidate, Σserved, Σc², Σs², Σc·s. */
  public synchronized double[] costPairs() {
    return costPairs.clone();
  }

  /** Candidate runs whose cost, or whose served answer's cost, is not known (no price for the model). */
  public synchronized long unknownCost() {
    return unknownCost;
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
