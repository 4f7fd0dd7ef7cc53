package dev.sluice.examples.demo;

import java.util.Locale;

/** What the candidate release does, and which metric should catch it. */
public enum DemoScenario {
  /** Same behaviour, a cheaper model: promoted to 100%. */
  HEALTHY("promoted to full"),
  /** Three attempts in ten fail with HTTP 500: retries hide most, the fallback rate gives it away. */
  ERRORS("fallback_rate / error_rate / slow_call_rate"),
  /** Answers take 1.8 times as long. */
  LATENCY("latency"),
  /** Writes 70% more tokens on a pricier model. */
  COST("cost"),
  /** Often leaves out what the customer asked about. */
  QUALITY("quality"),
  /** One answer in five is cut-off JSON. */
  FORMAT("slow_call_rate / parse_failure_rate: retries of cut-off JSON make calls slow");

  private final String expected;

  DemoScenario(String expected) {
    this.expected = expected;
  }

  /** What should happen, for the printout. */
  public String expected() {
    return expected;
  }

  public static DemoScenario parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--scenario must be one of healthy, errors, latency, cost, quality, format; got '" + s + "'");
    }
  }
}
