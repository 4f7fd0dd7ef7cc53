package dev.sluice.testkit.eval;

/** The Wilson score interval of a binomial proportion at 95% (z = 1.959964). */
public final class Wilson {

  private Wilson() {}

  /** {lower, upper} of {@code successes} in {@code n}; {0, 1} when n is 0. */
  public static double[] interval(long successes, long n) {
    if (n == 0) {
      return new double[] {0, 1};
    }
    double z = 1.959964;
    double p = (double) successes / n;
    double d = 1 + z * z / n;
    double centre = (p + z * z / (2 * n)) / d;
    double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }
}
