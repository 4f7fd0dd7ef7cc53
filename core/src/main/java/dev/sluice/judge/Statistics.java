package dev.sluice.judge;

/**
 * The judge's statistics, each valid however often it is evaluated.
 *
 * <ul>
 *   <li>{@link #logRateEValue}: for a rate, the candidate's share of the failure events is
 *       Binomial(N, π) under no change, π being its share of traffic; the Beta(a, b)-mixture
 *       likelihood ratio {@code B(a+Nc, b+Nb)/B(a,b) / (π^Nc (1-π)^Nb)} is an e-value (a
 *       non-negative martingale under the null), so rejecting when it reaches K/α keeps the error
 *       at α whenever it is looked at (Ville's inequality).
 *   <li>{@link #logMeanEValue}: the normal-mixture e-value for a difference of means (Robbins;
 *       Waudby-Smith et al. 2023, as GrowthBook's gbstats uses it), with mixing scale
 *       {@link #rho}.
 *   <li>{@link #csRadius}: the matching confidence-sequence radius, for upper bounds of worsening.
 * </ul>
 */
public final class Statistics {

  private static final double[] LANCZOS = {
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
  };

  private Statistics() {}

  /** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error below 1e-13). */
  public static double logGamma(double x) {
    if (x < 0.5) {
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    x -= 1;
    double a = LANCZOS[0];
    double t = x + 7.5;
    for (int i = 1; i < 9; i++) {
      a += LANCZOS[i] / (x + i);
    }
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
  }

  /** ln B(a, b). */
  public static double logBeta(double a, double b) {
    return logGamma(a) + logGamma(b) - logGamma(a + b);
  }

  /**
   * ln of the count e-value for a rate: {@code nc} failure events on the candidate, {@code nb} on
   * the baseline, {@code pi} the candidate's share of traffic, a Beta prior centred on {@code pi}
   * with the given strength.
   */
  public static double logRateEValue(long nc, long nb, double pi, double priorStrength) {
    if (nc + nb == 0 || pi <= 0 || pi >= 1) {
      return 0;
    }
    double a = priorStrength * pi;
    double b = priorStrength * (1 - pi);
    return logBeta(a + nc, b + nb) - logBeta(a, b) - nc * Math.log(pi) - nb * Math.log(1 - pi);
  }

  /**
   * GrowthBook's mixing scale: {@code ρ = sqrt((-2 ln α + ln(-2 ln α + 1)) / N0)}, tuned so the
   * test is tightest near {@code n0} observations.
   */
  public static double rho(double alpha, double n0) {
    double l = -2 * Math.log(alpha);
    return Math.sqrt((l + Math.log(l + 1)) / n0);
  }

  /**
   * ln of the mean-difference e-value: {@code E = exp(ρ²t² / (2(nρ²+1))) / sqrt(nρ²+1)} with
   * {@code t² = d² n / se²}, {@code d} the difference, {@code se} its standard error, {@code n}
   * the effective sample size.
   */
  public static double logMeanEValue(double d, double se, double n, double rho) {
    if (!(se > 0) || !(n > 0)) {
      return 0;
    }
    double r2 = rho * rho;
    double t2 = d * d * n / (se * se);
    return r2 * t2 / (2 * (n * r2 + 1)) - 0.5 * Math.log(n * r2 + 1);
  }

  /**
   * The radius of the matching confidence sequence at level α: the true difference is within
   * {@code d ± radius} at every n with probability 1 - α.
   */
  public static double csRadius(double se, double n, double rho, double alpha) {
    if (!(n > 0) || !(se >= 0)) {
      return Double.POSITIVE_INFINITY;
    }
    if (se == 0) {
      return 0; // no variance: the estimate is the value
    }
    double r2 = rho * rho;
    return se * Math.sqrt(2 * (n * r2 + 1) / (n * r2) * (Math.log(1 / alpha) + 0.5 * Math.log(n * r2 + 1)));
  }

  /** Effective sample size of two arms: {@code nc·nb / (nc + nb)}. */
  public static double effectiveN(long nc, long nb) {
    return nc + nb == 0 ? 0 : (double) nc * nb / (nc + nb);
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
