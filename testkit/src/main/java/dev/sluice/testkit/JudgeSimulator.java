package dev.sluice.testkit;

import dev.sluice.outcome.Outcome;
import dev.sluice.Route;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.judge.Judge;
import dev.sluice.judge.JudgeConfig;
import dev.sluice.rollout.Assignment;
import dev.sluice.rollout.CohortRule;
import dev.sluice.rollout.InMemoryToggleSource;
import dev.sluice.rollout.Segments;
import dev.sluice.rollout.MetricMargin;
import dev.sluice.RolloutControl;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.RolloutStateStore;
import dev.sluice.rollout.Stage;
import dev.sluice.rollout.StageGate;
import dev.sluice.rollout.StageKind;
import dev.sluice.rollout.StageProgress;
import dev.sluice.rollout.Verdict;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;


/**
 * Runs synthetic baseline and candidate traffic through a judge and the real stage ladder
 * ({@link RolloutControl}: canary 5%, 25%, 50%, full) and measures what the judge decides: false
 * rollbacks when nothing changed, detection of regressions, how many candidate calls it takes,
 * and false promotions of regressions larger than their margin. Compares Sluice's {@link Judge}
 * with a fixed-threshold judge (Flagger style, counting failed checks) and a naive z-test that
 * checks every interval.
 */
public final class JudgeSimulator {

  /** Candidate calls between looks, as the judge's default. */
  static final int LOOK = 100;
  /** A run that has not decided after this many candidate calls is counted as held. */
  static final int MAX_CANDIDATE_CALLS = 20_000;

  /**
   * A traffic scenario: the baseline is 1% (or 5%) errors; the candidate changes one thing; the
   * traffic is independent calls or one of the realistic kinds.
   */
  public record Scenario(String name, double baseErrorRate, double errorFactor, double latencyMedianFactor,
      double latencyP99Factor, double costFactor, double qualityDelta, boolean beyondMargin, Traffic traffic) {

    public Scenario(String name, double baseErrorRate, double errorFactor, double latencyMedianFactor, double latencyP99Factor,
        double costFactor, double qualityDelta, boolean beyondMargin) {
      this(name, baseErrorRate, errorFactor, latencyMedianFactor, latencyP99Factor, costFactor, qualityDelta, beyondMargin,
          Traffic.INDEPENDENT);
    }

    public boolean noChange() {
      return errorFactor == 1 && latencyMedianFactor == 1 && latencyP99Factor == 1 && costFactor == 1 && qualityDelta == 0;
    }
  }

  /** What the traffic is like, for both arms alike. */
  public enum Traffic {
    /** Every call a new subject, the same distributions throughout. */
    INDEPENDENT("independent calls"),
    /**
     * 50,000 sticky subjects who differ: activity log-normal (σ 1), 3% of subjects fail a fifth of
     * their calls (the rest 0.4%), prompt length per subject log-normal (σ 0.8), latency per subject
     * log-normal (σ 0.3).
     */
    STICKY_SUBJECTS("sticky heterogeneous subjects"),
    /** Shared outages: one call in 20 falls in a burst where both arms fail 30% of calls. */
    ERROR_BURSTS("shared error bursts"),
    /** A day's cycle every 10,000 calls: errors x(1 ± 0.8), latency x(1 ± 0.3), prompt length x(1 ± 0.5). */
    DIURNAL("diurnal load"),
    /** Latency with a Pareto tail (α 1.5) on 5% of calls, prompt length log-normal σ 1 (cost's coefficient of variation 1.3). */
    HEAVY_TAILS("heavy-tailed latency and cost"),
    /** A 0.5% canary looked at after every candidate call. */
    EVERY_CALL("0.5% canary, a look after every call"),
    /**
     * A cohort stage first (tenant {@code acme}, a fifth of the calls, 10% of it held back), whose
     * cohort differs from everyone else on either release: 1.5x the errors, latency x1.2, prompts x1.3.
     */
    COHORT_DIFFERS("a cohort stage whose cohort differs"),
    /**
     * Five tenants, a fifth of the calls each, declared as the plan's segments; a candidate's
     * regression, if any, is in one tenant only.
     */
    TENANTS("five tenants judged one by one"),
    /** Independent calls; a candidate's regression, if any, begins at its {@link Calls#ONSET}th call. */
    LATE_ONSET("a regression that begins at candidate call 2,000");

    public final String label;

    Traffic(String label) {
      this.label = label;
    }
  }

  /** The scenarios of the issue: no change, error regressions, latency, cost and quality. */
  public static List<Scenario> scenarios() {
    List<Scenario> s = new ArrayList<>();
    for (double base : new double[] {0.01, 0.05}) {
      String b = base == 0.01 ? "1%" : "5%";
      s.add(new Scenario("no change, errors " + b, base, 1, 1, 1, 1, 0, false));
      for (double f : new double[] {1.25, 1.5, 2, 5}) {
        // margin +0.5 pp: x1.25 of 1% (+0.25 pp) is within it, everything at 5% is beyond it
        boolean beyond = base * (f - 1) > 0.005 + 1e-12;
        s.add(new Scenario("errors x" + trim(f) + " of " + b, base, f, 1, 1, 1, 0, beyond));
      }
    }
    s.add(new Scenario("latency +10% (median)", 0.01, 1, 1.10, 1.10, 1, 0, false));
    s.add(new Scenario("latency +25% (median)", 0.01, 1, 1.25, 1.25, 1, 0, true));
    s.add(new Scenario("latency +25% (p99 only)", 0.01, 1, 1, 1.25, 1, 0, false));
    s.add(new Scenario("cost +5%", 0.01, 1, 1, 1, 1.05, 0, false));
    s.add(new Scenario("cost +20%", 0.01, 1, 1, 1, 1.20, 0, true));
    s.add(new Scenario("quality -0.05", 0.01, 1, 1, 1, 1, -0.05, true));
    for (Traffic t : Traffic.values()) {
      if (t != Traffic.INDEPENDENT && t != Traffic.LATE_ONSET) {
        s.add(new Scenario("no change, " + t.label, 0.01, 1, 1, 1, 1, 0, false, t));
        s.add(new Scenario("errors x5 of 1%" + (t == Traffic.TENANTS ? " in one tenant of five" : ", " + t.label), 0.01, 5, 1, 1, 1, 0,
            true, t));
      }
    }
    s.add(new Scenario("errors x3 of 1% in one tenant of five", 0.01, 3, 1, 1, 1, 0, true, Traffic.TENANTS));
    s.add(new Scenario("errors x3 of 1% from candidate call 2,000", 0.01, 3, 1, 1, 1, 0, true, Traffic.LATE_ONSET));
    s.add(new Scenario("latency +50% from candidate call 2,000", 0.01, 1, 1.5, 1.5, 1, 0, true, Traffic.LATE_ONSET));
    return s;
  }

  private static String trim(double f) {
    return f == Math.rint(f) ? Long.toString((long) f) : Double.toString(f);
  }

  /** The margins the simulated plan declares (the design's examples). */
  public static final List<MetricMargin> MARGINS = List.of(new MetricMargin("error_rate", 0.5),
      new MetricMargin("latency", 0.10), new MetricMargin("cost", 0.05), new MetricMargin("quality", 0.03));

  /** What one run ended in. */
  public enum End { ROLLED_BACK, PROMOTED, HELD }

  /** One run's result. */
  public record Run(End end, long candidateCalls) {}

  /** The summary of many runs of one scenario with one judge. */
  public record Summary(String scenario, String judge, int runs, double rollbackRate, double promotionRate,
      double detectedWithin10k, double medianCallsToDetect, double p90CallsToDetect, double meanBadCallsServed,
      boolean noChange, boolean beyondMargin) {}

  /** The judges compared. */
  public static List<String> judges() {
    return List.of("sluice", "fixed-threshold", "naive-z");
  }

  /** Runs {@code runs} rollouts of a scenario with the named judge; deterministic for a seed. */
  public static Summary simulate(Scenario scenario, String judgeName, int runs, long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    List<SplittableRandom> seeds = new ArrayList<>(runs);
    for (int i = 0; i < runs; i++) {
      seeds.add(root.split());
    }
    // Runs are independent and each has its own generator: the same seed gives the same summary in parallel.
    List<Run> results = seeds.parallelStream().map(r -> run(scenario, judgeName, r)).toList();
    return summarize(scenario, judgeName, results);
  }

  static Summary summarize(Scenario scenario, String judge, List<Run> runs) {
    int n = runs.size();
    long rolled = runs.stream().filter(r -> r.end == End.ROLLED_BACK).count();
    long promoted = runs.stream().filter(r -> r.end == End.PROMOTED).count();
    long[] toDetect = runs.stream().filter(r -> r.end == End.ROLLED_BACK).mapToLong(Run::candidateCalls).sorted().toArray();
    long within = Arrays.stream(toDetect).filter(c -> c <= 10_000).count();
    double median = toDetect.length == 0 ? Double.NaN : toDetect[toDetect.length / 2];
    double p90 = toDetect.length == 0 ? Double.NaN : toDetect[Math.min(toDetect.length - 1, (int) (toDetect.length * 0.9))];
    double bad = Arrays.stream(toDetect).average().orElse(Double.NaN);
    return new Summary(scenario.name(), judge, n, (double) rolled / n, (double) promoted / n, (double) within / n, median, p90, bad,
        scenario.noChange(), scenario.beyondMargin());
  }

  static Run run(Scenario sc, String judgeName, SplittableRandom rnd) {
    ManualTimeSource time = new ManualTimeSource();
    SimJudge judge = switch (judgeName) {
      case "sluice" -> new SluiceSim(new Judge(JudgeConfig.DEFAULTS, new SimpleMeterRegistry()));
      case "fixed-threshold" -> new FixedThreshold(sc.baseErrorRate());
      case "naive-z" -> new NaiveZ();
      default -> throw new IllegalArgumentException("unknown judge '" + judgeName + "'; known: " + judges());
    };
    SimulatedModelClient unused = SimulatedModelClient.builder().build();
    Variant base = Variant.builder("baseline").client(unused).model("sim").build();
    Variant cand = Variant.builder("candidate").client(unused).model("sim").build();
    RolloutPlan.Builder pb = RolloutPlan.builder("sim", "candidate").salt("sim-" + rnd.nextLong());
    // The simulated clock stands still: exposure is counted in calls only.
    pb.stage(Stage.canary(sc.traffic() == Traffic.EVERY_CALL ? 0.5 : 5).minCalls(500).minDuration(Duration.ZERO));
    if (sc.traffic() == Traffic.COHORT_DIFFERS) {
      pb.stage(Stage.cohort("acme", CohortRule.builder().tenants(Calls.tenant(0)).build()).minCalls(500).minDuration(Duration.ZERO));
    }
    if (sc.traffic() == Traffic.TENANTS) {
      pb.segments(Segments.by("tenant", Calls.tenant(0), Calls.tenant(1), Calls.tenant(2), Calls.tenant(3), Calls.tenant(4)));
    }
    pb.stage(Stage.percent(25).minCalls(1000).minDuration(Duration.ZERO))
        .stage(Stage.percent(50).minCalls(1000).minDuration(Duration.ZERO))
        .stage(Stage.full());
    MARGINS.forEach(pb::margin);
    RolloutPlan plan = pb.build();
    Route route = Route.builder("sim").baseline(base).variant(cand).rollout(plan).build();
    RolloutControl control = new RolloutControl(route, plan, RolloutStateStore.inMemory(), new InMemoryToggleSource(), time,
        judge, List.of());
    Calls traffic = new Calls(sc, rnd);
    long candidateCalls = 0;
    int look = sc.traffic() == Traffic.EVERY_CALL ? 1 : LOOK;
    while (candidateCalls < MAX_CANDIDATE_CALLS) {
      int inLook = 0;
      while (inLook < look) {
        if (traffic.call(control, judge)) {
          inLook++;
          candidateCalls++;
        }
      }
      control.evaluate();
      if (control.state().rolledBack()) {
        return new Run(End.ROLLED_BACK, candidateCalls);
      }
      if (Objects.requireNonNull(control.stage(), "stage").kind() == StageKind.FULL) {
        if (System.getProperty("sluice.sim.debug") != null) {
          System.out.println("promoted: " + control.history().stream().map(e -> e.stage() + ": " + e.why()).toList());
        }
        return new Run(End.PROMOTED, candidateCalls);
      }
    }
    if (System.getProperty("sluice.sim.debug") != null) {
      System.out.println("held at " + control.stage() + ": " + (control.lastVerdict() == null ? "-" : control.lastVerdict().reason()));
    }
    return new Run(End.HELD, candidateCalls);
  }

  /**
   * Draws calls: errors, log-normal latency (median 0.8 s, p99 3 s), tokens, cost, quality; the
   * subject of each call (a new one, or one of a sticky population) is assigned by the rollout.
   */
  static final class Calls {
    static final double MEDIAN = 0.8;
    static final double P99 = 3.0;
    static final double Z99 = 2.3263478740408408;
    static final int SUBJECTS = 50_000;
    static final int TENANTS = 5;
    /** The candidate call at which a late regression begins. */
    static final long ONSET = 2_000;
    long candidateCalls;
    final Scenario sc;
    final SplittableRandom rnd;
    long key;
    long t;
    /** Sticky subjects: cumulative activity, error rate, prompt-length and latency factors, group. */
    final boolean sticky;
    final double[] activity;
    final double[] errorRate;
    final double[] lengthFactor;
    final double[] latencyFactor;
    final String[] keys;
    final int[] groups;

    Calls(Scenario sc, SplittableRandom rnd) {
      this.sc = sc;
      this.rnd = rnd;
      this.key = rnd.nextLong();
      sticky = sc.traffic() == Traffic.STICKY_SUBJECTS;
      int n = sticky ? SUBJECTS : 0;
      activity = new double[n];
      errorRate = new double[n];
      lengthFactor = new double[n];
      latencyFactor = new double[n];
      keys = new String[n];
      groups = new int[n];
      if (sticky) {
        double sum = 0;
        for (int i = 0; i < SUBJECTS; i++) {
          sum += Math.exp(gaussian());
          activity[i] = sum;
          // 3% of subjects fail a fifth of their calls: about 1% of calls overall, as the scenario's base
          errorRate[i] = rnd.nextDouble() < 0.03 ? 0.20 : 0.004;
          lengthFactor[i] = Math.exp(0.8 * gaussian() - 0.32);
          latencyFactor[i] = Math.exp(0.3 * gaussian());
          keys[i] = Long.toString(key++, 36);
          groups[i] = Judge.subjectGroup(keys[i]);
        }
      }
    }

    /** One call; whether it was the candidate's. */
    boolean call(RolloutControl control, SimJudge judge) {
      t++;
      double errorRate = sc.baseErrorRate();
      double lengthFactor = 1;
      double latencyFactor = 1;
      String subject;
      int group;
      if (sticky) {
        int i = Arrays.binarySearch(activity, rnd.nextDouble() * activity[SUBJECTS - 1]);
        i = Math.min(SUBJECTS - 1, i < 0 ? -i - 1 : i);
        subject = keys[i];
        group = groups[i];
        errorRate = this.errorRate[i] * sc.baseErrorRate() / 0.01;
        lengthFactor = this.lengthFactor[i];
        latencyFactor = this.latencyFactor[i];
      } else {
        subject = Long.toString(key++, 36);
        group = Judge.subjectGroup(subject);
      }
      int tenant = -1;
      switch (sc.traffic()) {
        case COHORT_DIFFERS, TENANTS -> {
          tenant = rnd.nextInt(TENANTS);
          if (sc.traffic() == Traffic.COHORT_DIFFERS && tenant == 0) {
            errorRate *= 1.5;
            latencyFactor *= 1.2;
            lengthFactor *= 1.3;
          }
        }
        case ERROR_BURSTS -> errorRate = (t / 500) % 20 == 7 ? 0.30 : errorRate;
        case DIURNAL -> {
          double phase = Math.sin(2 * Math.PI * t / 10_000.0);
          errorRate *= 1 + 0.8 * phase;
          latencyFactor *= 1 + 0.3 * phase;
          lengthFactor *= 1 + 0.5 * phase;
        }
        default -> { }
      }
      Assignment a = control.assign(tenant < 0 ? Subject.of(subject) : Subject.builder().routingKey(subject).tenant(tenant(tenant)).build());
      boolean candidate = a.candidate();
      // With tenants judged one by one, the regression is in the last tenant only; a late one begins at ONSET.
      boolean regressed = candidate && (sc.traffic() != Traffic.TENANTS || tenant == TENANTS - 1)
          && (sc.traffic() != Traffic.LATE_ONSET || candidateCalls >= ONSET);
      if (candidate) {
        candidateCalls++;
      }
      if (regressed) {
        errorRate *= sc.errorFactor();
      }
      boolean error = rnd.nextDouble() < errorRate;
      double median = (regressed ? MEDIAN * sc.latencyMedianFactor() : MEDIAN) * latencyFactor;
      double p99 = (regressed ? P99 * sc.latencyP99Factor() : P99) * latencyFactor;
      double sigma = (Math.log(p99) - Math.log(median)) / Z99;
      double latency = Math.exp(Math.log(median) + sigma * gaussian());
      double tokenSigma = 0.5;
      if (sc.traffic() == Traffic.HEAVY_TAILS) {
        tokenSigma = 1.0;
        if (rnd.nextDouble() < 0.05) {
          latency *= Math.pow(1 - rnd.nextDouble(), -1 / 1.5); // Pareto, infinite variance
        }
      }
      long tokens = Math.max(1, Math.round(lengthFactor * Math.exp(Math.log(300) + tokenSigma * gaussian())));
      double cost = tokens * 2e-6 * (regressed ? sc.costFactor() : 1);
      double quality = Math.max(0, Math.min(1, 0.8 + (regressed ? sc.qualityDelta() : 0) + 0.1 * gaussian()));
      judge.observe(a, error ? Outcome.ERROR : Outcome.SUCCESS, latency, tokens, cost, quality, group);
      return candidate;
    }

    /** The name of tenant {@code i}; tenant 0 is the cohort that differs. */
    static String tenant(int i) {
      return i == 0 ? "acme" : "tenant-" + i;
    }

    double gaussian() {
      return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
  }

  /** A judge the simulator can feed. */
  interface SimJudge extends StageGate {
    void observe(Assignment a, Outcome outcome, double latency, long tokens, double cost, double quality, int group);
  }

  /** Sluice's judge. */
  static final class SluiceSim implements SimJudge {
    final Judge judge;

    SluiceSim(Judge judge) {
      this.judge = judge;
    }

    @Override
    public void observe(Assignment a, Outcome outcome, double latency, long tokens, double cost, double quality, int group) {
      judge.observe("sim", a, outcome, latency, tokens, cost, quality, group);
    }

    @Override
    public Verdict decide(StageProgress p) {
      return judge.judge(p);
    }
  }

  /** Per-stage sums for the comparison judges. */
  static class Sums {
    String stage = "";
    final double[] n = new double[2];
    final double[] err = new double[2];
    final double[] logLat = new double[2];
    final double[] logLat2 = new double[2];
    final double[] cost = new double[2];
    final double[] cost2 = new double[2];
    final double[] q = new double[2];
    final double[] q2 = new double[2];
    int looks;

    void add(String s, boolean candidate, Outcome outcome, double latency, double c, double quality) {
      if (!s.equals(stage)) {
        reset(s);
      }
      int i = candidate ? 1 : 0;
      n[i]++;
      err[i] += outcome == Outcome.ERROR ? 1 : 0;
      double l = Math.log(latency);
      logLat[i] += l;
      logLat2[i] += l * l;
      cost[i] += c;
      cost2[i] += c * c;
      q[i] += quality;
      q2[i] += quality * quality;
    }

    void reset(String s) {
      stage = s;
      for (double[] a : new double[][] {n, err, logLat, logLat2, cost, cost2, q, q2}) {
        Arrays.fill(a, 0);
      }
      looks = 0;
    }

    double mean(double[] sum, int i) {
      return sum[i] / Math.max(1, n[i]);
    }

    double var(double[] sum, double[] sum2, int i) {
      double m = mean(sum, i);
      return Math.max(0, sum2[i] / Math.max(1, n[i]) - m * m);
    }
  }

  /**
   * Flagger-style analysis: each look checks the last interval's candidate metrics against fixed
   * thresholds (baseline error rate + margin, +10% latency, +5% cost, -0.03 quality); five failed
   * checks roll back; five looks without reaching that promote.
   */
  static final class FixedThreshold extends Sums implements SimJudge {
    final double errorThreshold;
    final Sums interval = new Sums();
    int failed;

    FixedThreshold(double baseErrorRate) {
      this.errorThreshold = baseErrorRate + 0.005;
    }

    @Override
    public void observe(Assignment a, Outcome outcome, double latency, long tokens, double cost, double quality, int group) {
      if (!a.stage().equals(this.stage)) {
        failed = 0;
      }
      add(a.stage(), a.candidate(), outcome, latency, cost, quality);
      interval.add(a.stage() + "#" + looks, a.candidate(), outcome, latency, cost, quality);
    }

    @Override
    public Verdict decide(StageProgress p) {
      looks++;
      boolean bad = interval.mean(interval.err, 1) > errorThreshold
          || interval.mean(interval.logLat, 1) > mean(logLat, 0) + Math.log(1.10)
          || interval.mean(interval.cost, 1) > mean(cost, 0) * 1.05
          || interval.mean(interval.q, 1) < mean(q, 0) - 0.03;
      if (bad) {
        failed++;
      }
      if (failed >= 5) {
        return Verdict.rollback("five failed checks");
      }
      return looks >= 5 && p.exposureMet() ? Verdict.promote("five looks") : Verdict.hold("checking");
    }
  }

  /**
   * A z-test on all the stage's data at every look, one-sided at 1%, as if each look were the only
   * one: rolls back on a significant regression beyond its margin; promotes once exposure is met
   * and nothing was significant.
   */
  static final class NaiveZ extends Sums implements SimJudge {
    static final double Z = 2.326;

    @Override
    public void observe(Assignment a, Outcome outcome, double latency, long tokens, double cost, double quality, int group) {
      add(a.stage(), a.candidate(), outcome, latency, cost, quality);
    }

    @Override
    public Verdict decide(StageProgress p) {
      double pc = mean(err, 1);
      double pb = mean(err, 0);
      double pool = (err[0] + err[1]) / Math.max(1, n[0] + n[1]);
      double seErr = Math.sqrt(pool * (1 - pool) * (1 / Math.max(1, n[0]) + 1 / Math.max(1, n[1])));
      if (z(pc - pb, seErr) && pc - pb > 0.005) {
        return Verdict.rollback("errors");
      }
      if (regression(logLat, logLat2, Math.log(1.10), false) || regression(cost, cost2, 0.05 * mean(cost, 0), false)
          || regression(q, q2, 0.03, true)) {
        return Verdict.rollback("continuous metric");
      }
      return p.exposureMet() ? Verdict.promote("no significant regression") : Verdict.hold("exposure");
    }

    private boolean regression(double[] sum, double[] sum2, double margin, boolean lowerIsWorse) {
      double d = mean(sum, 1) - mean(sum, 0);
      if (lowerIsWorse) {
        d = -d;
      }
      double se = Math.sqrt(var(sum, sum2, 1) / Math.max(1, n[1]) + var(sum, sum2, 0) / Math.max(1, n[0]));
      return z(d, se) && d > margin;
    }

    private static boolean z(double d, double se) {
      return se > 0 && d / se > Z;
    }
  }

  /** Formats a summary row for the report. */
  public static String row(Summary s) {
    return String.format(Locale.ROOT, "| %s | %s | %d | %.1f%% | %.1f%% | %.1f%% | %s | %s | %s |", s.scenario(), s.judge(), s.runs(),
        100 * s.rollbackRate(), 100 * s.promotionRate(), 100 * s.detectedWithin10k(), num(s.medianCallsToDetect()),
        num(s.p90CallsToDetect()), num(s.meanBadCallsServed()));
  }

  private static String num(double x) {
    return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%,.0f", x);
  }

}
