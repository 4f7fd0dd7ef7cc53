package dev.sluice.rollout;

import dev.sluice.RolloutControl;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Route;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.time.ManualTimeSource;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.StringLength;

/** Invariants of sticky assignment, checked over generated subjects, salts and percentages. */
class AssignmentProperties {

  @Property
  void assignmentIsDeterministicAndSticky(@ForAll @AlphaChars @StringLength(min = 1, max = 40) String salt,
      @ForAll @StringLength(min = 1, max = 60) String key) {
    int b = Bucketing.bucket(salt, key);
    assertThat(b).isBetween(0, Bucketing.BUCKETS - 1);
    for (int i = 0; i < 3; i++) {
      assertThat(Bucketing.bucket(salt, key)).isEqualTo(b);
    }
  }

  /**
   * The hash encodes UTF-8 on the fly; buckets must stay those of the first release, which hashed
   * {@code getBytes(UTF_8)}: any string, unpaired surrogates included, and fixed known buckets.
   */
  @Property(tries = 2000)
  void theHashIsThatOfTheUtf8Bytes(@ForAll @StringLength(max = 12) String salt,
      @ForAll @net.jqwik.api.constraints.CharRange(from = '\u0000', to = '\uffff') @StringLength(max = 40) String key) {
    assertThat(Bucketing.hash64(salt, key)).isEqualTo(byteHash(salt, key));
  }

  @Example
  void knownBucketsNeverMove() {
    assertThat(Bucketing.hash64("support-v8", "user-42")).isEqualTo(byteHash("support-v8", "user-42"));
    assertThat(Bucketing.bucket("support-v8", "user-42")).isEqualTo(KNOWN_USER_42);
    assertThat(Bucketing.bucket("s", "\ud83d\ude00 \u00e9\u4e2d\ud800x")).isEqualTo(KNOWN_MIXED);
  }

  /** Computed by the first release (session 1), which hashed getBytes(UTF_8). */
  private static final int KNOWN_USER_42 = 59269;
  private static final int KNOWN_MIXED = 14695;

  /** The first release's hash, kept as the reference. */
  private static long byteHash(String salt, String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : salt.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h = (h ^ '.') * 0x100000001b3L;
    for (byte b : key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return dev.sluice.internal.Fingerprint.mix(h);
  }

  @Property(tries = 200)
  void raisingThePercentageNeverRemovesASubject(@ForAll @StringLength(min = 1, max = 30) String key,
      @ForAll @DoubleRange(min = 0.001, max = 100) @Scale(3) double low, @ForAll @DoubleRange(min = 0.001, max = 100) @Scale(3) double high) {
    double a = Math.min(low, high);
    double b = Math.max(low, high);
    RolloutControl at = control(a, b);
    Subject s = Subject.of(key);
    boolean before = at.assign(s).candidate();
    at.advance("test", "ramp");
    boolean after = at.assign(s).candidate();
    assertThat(!before || after).as("a subject with the candidate at %s%% keeps it at %s%%", a, b).isTrue();
  }

  @Example
  void sharesMatchTheConfiguredPercentWithinChiSquareTolerance() {
    for (double percent : new double[] {0.1, 1, 5, 50}) {
      int n = 200_000;
      int hits = 0;
      for (int i = 0; i < n; i++) {
        if (Bucketing.bucket("share-test", "user-" + i) < Bucketing.bucketsFor(percent)) {
          hits++;
        }
      }
      double p = percent / 100;
      double expected = n * p;
      double chi2 = Math.pow(hits - expected, 2) / expected + Math.pow((n - hits) - n * (1 - p), 2) / (n * (1 - p));
      // 1 degree of freedom: p = 0.001 at chi-square 10.83
      assertThat(chi2).as("chi-square at %s%% (%d of %d)", percent, hits, n).isLessThan(10.83);
    }
  }

  @Example
  void differentSaltsGiveIndependentAssignments() {
    int n = 200_000;
    int both = 0;
    int a = 0;
    int b = 0;
    int cut = Bucketing.bucketsFor(10);
    for (int i = 0; i < n; i++) {
      boolean inA = Bucketing.bucket("rollout-a", "user-" + i) < cut;
      boolean inB = Bucketing.bucket("rollout-b", "user-" + i) < cut;
      a += inA ? 1 : 0;
      b += inB ? 1 : 0;
      both += inA && inB ? 1 : 0;
    }
    // 2x2 contingency chi-square for independence, 1 degree of freedom
    double[][] observed = {{both, a - both}, {b - both, n - a - b + both}};
    double chi2 = 0;
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        double row = observed[i][0] + observed[i][1];
        double col = observed[0][j] + observed[1][j];
        double expected = row * col / n;
        chi2 += Math.pow(observed[i][j] - expected, 2) / expected;
      }
    }
    assertThat(chi2).isLessThan(10.83);
  }

  @Property(tries = 50)
  void everyInstanceOfAFleetAgrees(@ForAll("keys") List<String> keys) {
    RolloutControl one = control(20, 20);
    RolloutControl two = control(20, 20);
    for (String k : keys) {
      assertThat(one.assign(Subject.of(k)).candidate()).isEqualTo(two.assign(Subject.of(k)).candidate());
    }
  }

  @Provide
  Arbitrary<List<String>> keys() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(20).list().ofMinSize(1).ofMaxSize(50);
  }

  static RolloutControl control(double first, double second) {
    var model = SimulatedModelClient.builder().build();
    Variant base = Variant.builder("v1").client(model).model("gpt-4o-mini").build();
    Variant cand = Variant.builder("v2").client(model).model("gpt-4o-mini").build();
    Stage s1 = Stage.percent(first).named("first").minCalls(0).minDuration(java.time.Duration.ZERO);
    Stage s2 = Stage.percent(Math.max(first, second)).named("second").minCalls(0).minDuration(java.time.Duration.ZERO);
    RolloutPlan plan = RolloutPlan.builder("r", "v2").salt("prop").stage(s1).stage(s2).stage(Stage.full()).build();
    Route route = Route.builder("r").baseline(base).variant(cand).rollout(plan).build();
    return new RolloutControl(route, plan, RolloutStateStore.inMemory(), new InMemoryToggleSource(), new ManualTimeSource(),
        StageGate.EXPOSURE, List.of());
  }
}
