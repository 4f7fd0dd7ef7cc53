package dev.sluice.simulated;

import dev.sluice.outcome.InvalidConfigurationException;
import java.util.SplittableRandom;

/**
 * A log-normal distribution given by its median and its 99th percentile, the two figures people
 * quote for latency and token counts.
 */
public record LogNormal(double median, double p99) {

  /** The standard normal's 99th percentile. */
  static final double Z99 = 2.3263478740408408;

  public LogNormal {
    if (!(median > 0)) {
      throw new InvalidConfigurationException("median", median, "a number greater than 0");
    }
    if (!(p99 >= median)) {
      throw new InvalidConfigurationException("p99", p99, "a number at least the median " + median);
    }
  }

  public double mu() {
    return Math.log(median);
  }

  public double sigma() {
    return (Math.log(p99) - Math.log(median)) / Z99;
  }

  public double sample(SplittableRandom random) {
    return Math.exp(mu() + sigma() * gaussian(random));
  }

  // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
  private static double gaussian(SplittableRandom r) {
    double u1 = r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
