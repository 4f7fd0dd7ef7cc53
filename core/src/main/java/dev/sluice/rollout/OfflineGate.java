package dev.sluice.rollout;

import dev.sluice.RolloutControl;
import org.jspecify.annotations.Nullable;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.release.Variant;
import dev.sluice.internal.JsonSchemas;
import dev.sluice.model.ChatResponse;
import dev.sluice.pricing.Cost;
import dev.sluice.pricing.PriceTable;
import dev.sluice.time.TimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Runs a golden set against baseline and candidate and reports pass rates, token, cost and latency
 * deltas, and the candidate's failures side by side. A plan's live stages wait for a passing report
 * ({@link RolloutControl#recordGate}).
 *
 * <pre>{@code
 * GateReport report = new OfflineGate(0.9, 0.0).run(route.baseline(), route.candidate().get(), cases);
 * sluice.rollout("support-answer").recordGate(report, "ci");
 * }</pre>
 *
 * @param minCandidatePassRate the candidate must pass at least this share of cases
 * @param maxPassRateDrop and may pass at most this share fewer than the baseline
 */
public record OfflineGate(double minCandidatePassRate, double maxPassRateDrop, TimeSource time, PriceTable prices) {

  public OfflineGate {
    if (!(minCandidatePassRate >= 0 && minCandidatePassRate <= 1)) {
      throw new InvalidConfigurationException("gate.minCandidatePassRate", minCandidatePassRate, "a share from 0 to 1");
    }
    if (!(maxPassRateDrop >= 0 && maxPassRateDrop <= 1)) {
      throw new InvalidConfigurationException("gate.maxPassRateDrop", maxPassRateDrop, "a share from 0 to 1");
    }
  }

  public OfflineGate(double minCandidatePassRate, double maxPassRateDrop) {
    this(minCandidatePassRate, maxPassRateDrop, TimeSource.system(), PriceTable.bundled());
  }

  /** Runs every case on both variants and waits for the report. */
  public GateReport run(Variant baseline, Variant candidate, List<GoldenCase> cases) {
    return runAsync(baseline, candidate, cases).join();
  }

  /** Runs every case on both variants at once; completes when all have answered. */
  public CompletableFuture<GateReport> runAsync(Variant baseline, Variant candidate, List<GoldenCase> cases) {
    if (cases.isEmpty()) {
      throw new InvalidConfigurationException("golden set", "has no cases");
    }
    List<CompletableFuture<Result>> base = new ArrayList<>();
    List<CompletableFuture<Result>> cand = new ArrayList<>();
    for (GoldenCase c : cases) {
      base.add(runOne(baseline, c));
      cand.add(runOne(candidate, c));
    }
    List<CompletableFuture<Result>> all = new ArrayList<>(base);
    all.addAll(cand);
    String bound = GateReport.identity(candidate);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> report(cases, base, cand, bound));
  }

  private CompletableFuture<Result> runOne(Variant v, GoldenCase c) {
    long start = time.nanoTime();
    CompletableFuture<ChatResponse> f;
    try {
      f = v.client().chatAsync(v.prepare(c.request())).toCompletableFuture();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle((r, e) -> {
      long ms = (time.nanoTime() - start) / 1_000_000;
      if (e != null) {
        return new Result(null, List.of("error: " + e.getMessage()), ms, Cost.UNKNOWN);
      }
      Cost cost = prices.cost(r.responseModel(), r.usage());
      if (!cost.isKnown()) {
        cost = prices.cost(v.model(), r.usage());
      }
      return new Result(r, failedChecks(c, r, ms), ms, cost);
    });
  }

  static List<String> failedChecks(GoldenCase c, ChatResponse r, long ms) {
    List<String> failed = new ArrayList<>();
    String text = r.text();
    if (c.exact() != null && !c.exact().equals(text.strip())) failed.add("exact");
    for (String s : c.contains()) {
      if (!text.contains(s)) failed.add("contains '" + s + "'");
    }
    if (c.regex() != null && !Pattern.compile(c.regex()).matcher(text).find()) failed.add("regex");
    if (c.jsonSchema() != null) {
      List<String> problems = JsonSchemas.problems(c.jsonSchema(), text.strip());
      if (!problems.isEmpty()) failed.add("json_schema: " + problems.get(0));
    }
    if (c.maxTokens() > 0 && r.usage().outputTokens() > c.maxTokens()) failed.add("max_tokens");
    if (c.maxLatencyMs() > 0 && ms > c.maxLatencyMs()) failed.add("max_latency");
    return failed;
  }

  private GateReport report(List<GoldenCase> cases, List<CompletableFuture<Result>> base, List<CompletableFuture<Result>> cand,
      String candidate) {
    int n = cases.size();
    int basePass = 0;
    int candPass = 0;
    double tokens = 0;
    double cost = 0;
    double latency = 0;
    List<GateReport.Failure> failures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Result b = base.get(i).join();
      Result c = cand.get(i).join();
      if (b.failed.isEmpty()) basePass++;
      if (c.failed.isEmpty()) {
        candPass++;
      } else {
        failures.add(new GateReport.Failure(cases.get(i).id(), c.failed, b.answer(), c.answer()));
      }
      tokens += c.tokens() - b.tokens();
      cost += c.cost.usdOrNaN() - b.cost.usdOrNaN();
      latency += c.ms - b.ms;
    }
    double br = (double) basePass / n;
    double cr = (double) candPass / n;
    boolean passed = cr >= minCandidatePassRate && br - cr <= maxPassRateDrop + 1e-12;
    String summary = String.format(java.util.Locale.ROOT,
        "candidate passed %d/%d (%.1f%%), baseline %d/%d (%.1f%%); needs >= %.1f%% and at most %.1f pp below baseline",
        candPass, n, 100 * cr, basePass, n, 100 * br, 100 * minCandidatePassRate, 100 * maxPassRateDrop);
    return new GateReport(n, br, cr, tokens / n, cost / n, latency / n, failures, passed, summary, candidate);
  }

  private record Result(@Nullable ChatResponse response, List<String> failed, long ms, Cost cost) {
    String answer() {
      return response == null ? String.join("; ", failed) : response.text();
    }

    long tokens() {
      return response == null ? 0 : response.usage().outputTokens();
    }
  }
}
