package dev.sluice.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.testkit.JudgeSimulator;
import dev.sluice.testkit.JudgeSimulator.Scenario;
import dev.sluice.testkit.JudgeSimulator.Summary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the judge simulator in full and writes docs/JUDGE.md and docs/judge.json.
 *
 * <pre>
 * ./mvnw -q -B -DskipTests -pl examples -am package exec:java -Ddemo.mainClass=dev.sluice.examples.JudgeReport -Dexec.args="--runs 2000 --out docs"
 * </pre>
 */
public final class JudgeReport {

  private JudgeReport() {}

  public static void main(String[] args) throws Exception {
    int runs = 2000;
    int regressionRuns = 200;
    Path out = Path.of("docs");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--regression-runs" -> regressionRuns = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --runs N --regression-runs N --out DIR");
      }
    }
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    List<Future<Summary>> futures = new ArrayList<>();
    long seed = 2026;
    for (Scenario sc : JudgeSimulator.scenarios()) {
      // The comparison judges on independent traffic only: the realistic kinds are Sluice's to pass.
      for (String judge : sc.traffic() == JudgeSimulator.Traffic.INDEPENDENT ? JudgeSimulator.judges() : List.of("sluice")) {
        int n = sc.noChange() ? runs : regressionRuns;
        long s = seed++;
        futures.add(pool.submit(() -> JudgeSimulator.simulate(sc, judge, n, s)));
      }
    }
    List<Summary> results = new ArrayList<>();
    for (Future<Summary> f : futures) {
      results.add(f.get());
    }
    pool.shutdown();
    double minutes = (System.nanoTime() - start) / 6e10;
    String command = "./mvnw -q -B -DskipTests -pl examples -am package exec:java -Ddemo.mainClass=dev.sluice.examples.JudgeReport"
        + " -Dexec.args=\"--runs " + runs + " --regression-runs " + regressionRuns + " --out " + out + "\"";
    Files.createDirectories(out);
    Files.writeString(out.resolve("JUDGE.md"), markdown(results, command, runs, regressionRuns, minutes));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", command);
    json.put("runs_no_change", runs);
    json.put("runs_regression", regressionRuns);
    json.put("results", results);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("judge.json").toFile(), json);
    System.out.printf(Locale.ROOT, "wrote %s and %s in %.1f minutes%n", out.resolve("JUDGE.md"), out.resolve("judge.json"), minutes);
  }

  /** A rate with its 95% Wilson interval. */
  static String rate(double p, int n) {
    double z = 1.959964;
    double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
    double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / (1 + z * z / n);
    return String.format(Locale.ROOT, "%.1f%% [%.1f, %.1f]", 100 * p, 100 * Math.max(0, centre - half), 100 * Math.min(1, centre + half));
  }

  private static String num(double x) {
    return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%,.0f", x);
  }

  static String markdown(List<Summary> results, String command, int runs, int regressionRuns, double minutes) {
    StringBuilder md = new StringBuilder();
    md.append("# The judge, measured\n\n");
    md.append("Produced by:\n\n```bash\n").append(command).append("\n```\n\n");
    md.append(String.format(Locale.ROOT, "(%d runs per no-change scenario, %d per regression scenario; %.1f minutes on 2 cores.)%n%n",
        runs, regressionRuns, minutes));
    md.append("""
        Each run is one rollout through the real stage ladder (`RolloutControl`): canary 5% (at least 500
        candidate calls), 25% (1,000), 50% (1,000), full; the judge looks every 100 candidate calls. Synthetic
        traffic: errors at 1% (or 5%), log-normal latency (median 0.8 s, p99 3 s), log-normal tokens,
        cost per token, a quality score around 0.8. Margins as the plan declares them: error rate +0.5 pp,
        latency +10%, cost +5%, quality -0.03 (plus Sluice's defaults for the rest: +0.5 pp for the other
        rates, +5 pp calls slower than the baseline's p95, +10% tokens). A run that has not decided after
        20,000 candidate calls counts as held. Realistic traffic (Sluice only), both arms alike:

        - **sticky heterogeneous subjects**: 50,000 subjects, activity log-normal (σ 1), 3% of them fail a
          fifth of their calls (the rest 0.4%), prompt length per subject log-normal (σ 0.8), latency per
          subject log-normal (σ 0.3); assignment is by subject, as in production;
        - **shared error bursts**: one call in 20 falls in a burst where both arms fail 30% of calls;
        - **diurnal load**: a day's cycle every 10,000 calls (errors ×(1 ± 0.8), latency ×(1 ± 0.3),
          prompt length ×(1 ± 0.5));
        - **heavy tails**: a Pareto tail (α 1.5, infinite variance) on 5% of latencies, prompt length
          log-normal σ 1;
        - **a look after every call**: a 0.5% canary, evaluated after every candidate call.

        Judges:

        - **sluice**: `Judge` with its defaults: each metric's worsening pooled over the rollout's stages,
          variances at the subject, normal-mixture confidence sequences; roll back when a lower bound (α 0.05
          shared by the metrics) is above the margin, promote when every upper bound (0.05) is below it;
        - **fixed-threshold**: Flagger-style analysis — each look checks the last interval against fixed
          thresholds (baseline error rate + margin, +10% latency, +5% cost, -0.03 quality), five failed checks
          roll back, five looks promote;
        - **naive-z**: a one-sided z-test at 1% on all the stage's data at every look, promoting when nothing
          is significant.

        Columns: rollback = share of runs rolled back (on no-change and within-margin rows: **false
        rollbacks**); promoted = share that reached full (on rows marked beyond margin: **false promotions**);
        both with 95% Wilson intervals; caught ≤10k = rolled back within 10,000 candidate calls; calls to
        detect = candidate calls at rollback (median, p90); bad calls served = mean candidate calls before
        rollback.

        """);
    md.append("| scenario | judge | runs | rollback [95% CI] | promoted [95% CI] | caught ≤10k | calls to detect (median) | (p90) "
        + "| bad calls served |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Summary s : results) {
      String name = s.scenario() + (s.noChange() ? " (no change)" : s.beyondMargin() ? " (beyond margin)" : " (within margin)");
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %.1f%% | %s | %s | %s |%n", name, s.judge(), s.runs(),
          rate(s.rollbackRate(), s.runs()), rate(s.promotionRate(), s.runs()), 100 * s.detectedWithin10k(),
          num(s.medianCallsToDetect()), num(s.p90CallsToDetect()), num(s.meanBadCallsServed())));
    }
    md.append("\n## Against the targets (Sluice)\n\n");
    for (Summary s : results) {
      if (!s.judge().equals("sluice")) {
        continue;
      }
      if (s.noChange()) {
        md.append(String.format(Locale.ROOT, "- %s: false rollback %s (target at most 1%%), promoted %s (target at least %s).%n",
            s.scenario(), rate(s.rollbackRate(), s.runs()), rate(s.promotionRate(), s.runs()),
            s.scenario().startsWith("no change, errors") ? "95%" : "90%"));
      } else if (s.beyondMargin()) {
        md.append(String.format(Locale.ROOT, "- %s: caught %s (target at least 99%%), false promotion %s (target at most 1%%), "
            + "median %s calls.%n", s.scenario(), rate(s.rollbackRate(), s.runs()), rate(s.promotionRate(), s.runs()),
            num(s.medianCallsToDetect())));
      } else {
        md.append(String.format(Locale.ROOT, "- %s: rolled back %s (target at most 5%% at the margin, 1%% at half of it).%n",
            s.scenario(), rate(s.rollbackRate(), s.runs())));
      }
    }
    return md.toString();
  }
}
