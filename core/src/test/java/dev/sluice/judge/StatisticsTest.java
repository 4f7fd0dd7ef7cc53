package dev.sluice.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The statistics against values computed by hand, and the confidence sequence's coverage by simulation. */
class StatisticsTest {

  @Test
  void theRadiusFollowsTheNormalMixtureFormula() {
    // alpha 0.05: l = -2 ln 0.05 = 5.99146, t0 = l + ln(l + 1) = 5.99146 + 1.94469 = 7.93615
    assertThat(Statistics.optimalTime(0.05)).isCloseTo(7.936155, offset(1e-6));
    // r(t) = sqrt(2 (t+1)/t (ln 20 + ln(t+1)/2)) at t = 4: sqrt(2.5 (2.99573 + 0.80472)) = 3.082390
    assertThat(Statistics.radiusInSe(4, 0.05)).isCloseTo(3.082390, offset(1e-6));
  }

  @Test
  void theBoundIsTightestWhereItReachesTheMargin() {
    double margin = 0.005;
    double alpha = 0.01;
    double designSe = margin / Statistics.radiusInSe(Statistics.optimalTime(alpha), alpha);
    assertThat(Statistics.radius(designSe, margin, alpha)).isCloseTo(margin, offset(1e-12));
    // in standard errors, the radius is smallest at the design point
    double atDesign = Statistics.radius(designSe, margin, alpha) / designSe;
    assertThat(Statistics.radius(designSe * 2, margin, alpha) / (designSe * 2)).isGreaterThan(atDesign);
    assertThat(Statistics.radius(designSe / 2, margin, alpha) / (designSe / 2)).isGreaterThan(atDesign);
    assertThat(Statistics.radius(0, margin, alpha)).isZero();
    assertThat(Statistics.radius(Double.NaN, margin, alpha)).isInfinite();
  }

  /**
   * A Gaussian random walk with no drift, looked at after every step for 5,000 steps: the share of
   * walks whose mean ever leaves its bound (one side) stays within α; a fixed-sample z bound
   * looked at as often leaves it far more often.
   */
  @Test
  void lookingAfterEveryObservationKeepsTheErrorWithinAlpha() {
    SplittableRandom rnd = new SplittableRandom(7);
    double alpha = 0.05;
    double margin = 0.1; // the design point: se = margin / r(t0) near 1,000 observations of unit variance
    int walks = 2000;
    int crossedMixture = 0;
    int crossedFixed = 0;
    for (int w = 0; w < walks; w++) {
      double sum = 0;
      boolean mixture = false;
      boolean fixed = false;
      for (int n = 1; n <= 5000 && !(mixture && fixed); n++) {
        sum += gaussian(rnd);
        double mean = sum / n;
        double se = 1 / Math.sqrt(n);
        mixture |= mean - Statistics.radius(se, margin, alpha) > 0;
        fixed |= mean - 1.645 * se > 0;
      }
      crossedMixture += mixture ? 1 : 0;
      crossedFixed += fixed ? 1 : 0;
    }
    assertThat((double) crossedMixture / walks).isLessThanOrEqualTo(alpha);
    assertThat((double) crossedFixed / walks).isGreaterThan(0.3);
  }

  static double gaussian(SplittableRandom rnd) {
    return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  @Test
  void chiSquareOfASplit() {
    // 60 of 1,000 where 5% was expected: (60-50)^2/50 + (940-950)^2/950
    assertThat(Statistics.chiSquare(60, 940, 0.05)).isCloseTo(2.0 + 100.0 / 950, offset(1e-12));
  }
}
