package dev.sluice.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** The statistics against values computed by hand. */
class StatisticsTest {

  @Test
  void logGammaMatchesFactorials() {
    assertThat(Statistics.logGamma(5)).isCloseTo(Math.log(24), offset(1e-12));
    assertThat(Statistics.logGamma(0.5)).isCloseTo(Math.log(Math.sqrt(Math.PI)), offset(1e-12));
    assertThat(Statistics.logGamma(101)).isCloseTo(363.73937555556347, offset(1e-9));
    assertThat(Statistics.logBeta(2, 3)).isCloseTo(Math.log(1.0 / 12), offset(1e-12));
  }

  @Test
  void theRateEValueIsTheBetaMixtureOverTheNullLikelihood() {
    // a = b = 1 (pi 0.5, strength 2); 3 candidate events, 1 baseline:
    // B(4, 2) / B(1, 1) / 0.5^4 = (3! 1! / 5!) / 0.0625 = 0.05 / 0.0625 = 0.8
    assertThat(Math.exp(Statistics.logRateEValue(3, 1, 0.5, 2))).isCloseTo(0.8, offset(1e-12));
    assertThat(Statistics.logRateEValue(0, 0, 0.05, 100)).isZero();
    // far more candidate errors than its 5% share: strong evidence
    assertThat(Statistics.logRateEValue(40, 190, 0.05, 100)).isGreaterThan(Math.log(100));
  }

  @Test
  void theMeanEValueAndItsRadiusFollowTheMixtureFormula() {
    // d 1, se 0.5, n 4, rho 0.5: t^2 = 16, n rho^2 + 1 = 2, E = exp(0.25*16/4) / sqrt(2) = e / sqrt(2)
    assertThat(Math.exp(Statistics.logMeanEValue(1, 0.5, 4, 0.5))).isCloseTo(Math.E / Math.sqrt(2), offset(1e-12));
    // rho(0.05, 1000) = sqrt((5.99146 + ln 6.99146) / 1000)
    assertThat(Statistics.rho(0.05, 1000)).isCloseTo(0.0890853, offset(1e-6));
    // the radius is where the e-value reaches 1/alpha
    double se = 0.3;
    double n = 500;
    double rho = Statistics.rho(0.01, 1000);
    double r = Statistics.csRadius(se, n, rho, 0.01);
    assertThat(Statistics.logMeanEValue(r, se, n, rho)).isCloseTo(Math.log(100), offset(1e-9));
  }

  @Test
  void chiSquareOfASplit() {
    // 60 of 1,000 where 5% was expected: (60-50)^2/50 + (940-950)^2/950
    assertThat(Statistics.chiSquare(60, 940, 0.05)).isCloseTo(2.0 + 100.0 / 950, offset(1e-12));
  }
}
