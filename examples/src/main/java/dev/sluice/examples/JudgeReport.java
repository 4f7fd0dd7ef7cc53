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
      for (String judge : JudgeSimulator.judges()) {
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
        latency +10%, cost +5%, quality -0.03 (plus Sluice's defaults for the rest). A run that has not
        decided after 20,000 candidate calls counts as held. Judges:

        - **sluice**: `Judge` with its defaults (anytime-valid e-values, alpha 0.05 over all metrics, promotion
          only when every metric's upper bound is within its margin);
        - **fixed-threshold**: Flagger-style analysis — each look checks the last interval against fixed
          thresholds (baseline error rate + margin, +10% latency, +5% cost, -0.03 quality), five failed checks
          roll back, five looks promote;
        - **naive-z**: a one-sided z-test at 1% on all the stage's data at every look, promoting when nothing
          is significant.

        Columns: rollback = share of runs rolled back (on no-change rows: **false rollbacks**); promoted = share
        that reached full (on rows marked beyond margin: **false promotions**); caught ≤10k = rolled back within
        10,000 candidate calls; calls to detect = candidate calls at rollback (median, p90); bad calls served =
        mean candidate calls before rollback.

        """);
    md.append("| scenario | judge | runs | rollback | promoted | caught ≤10k | calls to detect (median) | (p90) | bad calls served |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Summary s : results) {
      String name = s.scenario() + (s.noChange() ? " (no change)" : s.beyondMargin() ? " (beyond margin)" : " (within margin)");
      md.append(JudgeSimulator.row(new Summary(name, s.judge(), s.runs(), s.rollbackRate(), s.promotionRate(),
          s.detectedWithin10k(), s.medianCallsToDetect(), s.p90CallsToDetect(), s.meanBadCallsServed(), s.noChange(),
          s.beyondMargin()))).append('\n');
    }
    md.append("\n## Against the targets\n\n");
    for (Summary s : results) {
      if (!s.judge().equals("sluice")) {
        continue;
      }
      if (s.noChange()) {
        md.append(String.format(Locale.ROOT, "- %s: false rollback %.2f%% (target at most 1%%).%n", s.scenario(), 100 * s.rollbackRate()));
      }
      if (s.scenario().equals("errors x2 of 1%")) {
        md.append(String.format(Locale.ROOT, "- errors x2 of 1%% at a 5%% canary: caught within 10,000 candidate calls in %.1f%% of runs "
            + "(target 95%%), median %.0f calls (target at most 2,000).%n", 100 * s.detectedWithin10k(), s.medianCallsToDetect()));
      }
      if (s.beyondMargin()) {
        md.append(String.format(Locale.ROOT, "- %s: false promotion %.1f%% (target at most 5%%).%n", s.scenario(), 100 * s.promotionRate()));
      }
    }
    return md.toString();
  }
}
