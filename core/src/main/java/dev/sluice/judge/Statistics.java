package dev.sluice.judge;

/**
 * The judge's statistics, each valid however often it is evaluated.
 *
 * <ul>
 *   <li>{@link #radius}: the half-width of a normal-mixture confidence sequence (Robbins; Howard et
 *       al. 2021; the form GrowthBook's and Eppo's sequential tests use) for an estimate with
 *       standard error {@code se}: with probability at least 1 - α the true value stays above
 *       {@code estimate - radius} (or below {@code estimate + radius}) at every look together, so
 *       looking after every call costs nothing in validity. Its mixing is set in information time
 *       for the decision being made: the bound is tightest when it has shrunk to the margin.
 *   <li>{@link #chiSquare}: the sample-ratio check.
 * </ul>
 */
public final class Statistics {

  private Statistics() {}

  /**
   * The mixture's intrinsic time at which the radius, in standard errors, is smallest for level α:
   * {@code -2 ln α + ln(-2 ln α + 1)} (GrowthBook's ρ tuning, in units of {@code nρ²}).
   */
  static double optimalTime(double alpha) {
    double l = -2 * Math.log(alpha);
    return l + Math.log(l + 1);
  }

  /** The radius in standard errors at intrinsic time {@code t = nρ²}: {@code sqrt(2(t+1)/t (ln(1/α) + ln(t+1)/2))}. */
  static double radiusInSe(double t, double alpha) {
    return Math.sqrt(2 * (t + 1) / t * (Math.log(1 / alpha) + 0.5 * Math.log(t + 1)));
  }

  /**
   * The radius of the confidence sequence at level α for an estimate with standard error
   * {@code se}, tuned so the bound is tightest when the radius equals {@code margin}: information
   * time {@code t = t₀ (s₀ / se)²}, where {@code t₀} is the optimal time and {@code s₀ = margin / r(t₀)}
   * the standard error at which the radius is the margin. Infinite when {@code se} is not a number,
   * 0 when it is 0 (no variance: the estimate is the value).
   */
  public static double radius(double se, double margin, double alpha) {
    if (!(se >= 0) || Double.isInfinite(se)) {
      return Double.POSITIVE_INFINITY;
    }
    if (se == 0) {
      return 0;
    }
    double best = optimalTime(alpha);
    double designSe = Math.abs(margin) / radiusInSe(best, alpha);
    double t = designSe > 0 ? best * (designSe / se) * (designSe / se) : best;
    return se * radiusInSe(Math.max(t, 1e-12), alpha);
  }

  /**
   * The variance of a rate's estimate from {@code x} events in {@code n} trials, at the Agresti–Coull
   * rate {@code (x + 2) / (n + 4)}: zero or few events never claim certainty.
   */
  static double rateVariance(long x, long n) {
    double p = (x + 2.0) / (n + 4.0);
    return p * (1 - p) / Math.max(1, n);
  }

  /** Pearson's chi-square for an observed split against an expected share, one degree of freedom. */
  public static double chiSquare(long candidate, long baseline, double expectedShare) {
    double n = candidate + baseline;
    if (n == 0 || expectedShare <= 0 || expectedShare >= 1) {
      return 0;
    }
    double ec = n * expectedShare;
    double eb = n * (1 - expectedShare);
    return (candidate - ec) * (candidate - ec) / ec + (baseline - eb) * (baseline - eb) / eb;
  }

  /** Chi-square (1 dof) above which {@code p < 0.001}. */
  public static final double CHI2_P001 = 10.828;
}
