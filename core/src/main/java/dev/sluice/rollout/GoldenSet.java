package dev.sluice.rollout;

import dev.sluice.outcome.InvalidConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A route's golden set and the thresholds its offline gate applies: when a release is published to
 * a route that has one, and the release's plan begins with the offline gate, Sluice runs the gate
 * itself ({@link OfflineGate}: every case on the baseline and the candidate) and records the
 * report; a failing or unfinished gate rolls the release back. Each case is a model call of each
 * variant, paid like any other.
 *
 * <pre>{@code
 * Route.builder("support-answer").baseline(v7).releasePlan(plan)
 *     .goldenSet(GoldenSet.read(Path.of("golden/support.jsonl"), 0.9, 0.05))
 * }</pre>
 *
 * @param cases the cases (at most {@value #MAX_CASES})
 * @param minCandidatePassRate the candidate must pass at least this share of the cases
 * @param maxPassRateDrop and at most this share fewer than the baseline
 * @param timeout how long the gate may take; unfinished by then, it fails
 */
public record GoldenSet(List<GoldenCase> cases, double minCandidatePassRate, double maxPassRateDrop, Duration timeout) {

  /** The most cases a golden set may have. */
  public static final int MAX_CASES = 10_000;
  /** The default time a gate may take. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  public GoldenSet {
    cases = List.copyOf(cases);
    if (cases.isEmpty() || cases.size() > MAX_CASES) {
      throw new InvalidConfigurationException("golden_set.cases", cases.size(), "1 to " + MAX_CASES + " cases");
    }
    // The gate checks the rates; made here so a wrong one fails when the route is built.
    new OfflineGate(minCandidatePassRate, maxPassRateDrop);
    if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
      throw new InvalidConfigurationException("golden_set.timeout", timeout, "a positive duration");
    }
  }

  /** A golden set with the default timeout of ten minutes. */
  public GoldenSet(List<GoldenCase> cases, double minCandidatePassRate, double maxPassRateDrop) {
    this(cases, minCandidatePassRate, maxPassRateDrop, DEFAULT_TIMEOUT);
  }

  /** The cases of a JSON Lines file ({@link GoldenCase#readJsonl}) with these thresholds. */
  public static GoldenSet read(Path jsonl, double minCandidatePassRate, double maxPassRateDrop) throws IOException {
    try (InputStream in = Files.newInputStream(jsonl)) {
      return new GoldenSet(GoldenCase.readJsonl(in), minCandidatePassRate, maxPassRateDrop);
    }
  }
}
