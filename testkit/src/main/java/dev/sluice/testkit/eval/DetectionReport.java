package dev.sluice.testkit.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * A detector's figures on corpus rows: how many of each source it flags at its shipped operating
 * point (with a 95% Wilson interval), and threshold curves: the recall a threshold reaches when
 * it is set to let through at most 0.5%, 1% or 2% of the negatives.
 */
public final class DetectionReport {

  /** The false-positive rates the curves are read at. */
  public static final double[] FALSE_POSITIVE_RATES = {0.005, 0.01, 0.02};

  /**
   * One source's rows of one label and role.
   *
   * @param source the source, without commit and item (see {@link #group})
   */
  public record Group(String source, String label, String role, int rows, int flagged) {
    public double rate() {
      return rows == 0 ? Double.NaN : (double) flagged / rows;
    }

    public String interval() {
      double[] w = Wilson.interval(flagged, rows);
      return String.format(Locale.ROOT, "[%.1f, %.1f]", 100 * w[0], 100 * w[1]);
    }
  }

  /** One point of a threshold curve. */
  public record Point(double falsePositiveRate, double threshold, int negativesAbove, double recall) {}

  /** A named threshold curve and the rows it was drawn from. */
  public record Curve(String name, int positives, int negatives, List<Point> points) {
    public String table() {
      return curveTable(name, points, positives, negatives);
    }

    /** The recall at the point whose false-positive rate is {@code rate} (one of {@link #FALSE_POSITIVE_RATES}). */
    public double recallAt(double rate) {
      return points.stream().filter(p -> p.falsePositiveRate() == rate).findFirst().orElseThrow().recall();
    }
  }

  /**
   * The injection detector's curves on corpus rows, each row scored for its own role: user-role
   * attacks against every benign row (the pooled benign set: questions, prompts, code, tables,
   * documents, e-mails), the same without JailbreakBench's adversarial suffixes (GCG) when there
   * are any, and tool-role attacks against the benign tool-role rows.
   */
  public static List<Curve> injectionCurves(List<CorpusRow> rows, ToDoubleFunction<CorpusRow> score) {
    List<CorpusRow> benign = rows.stream().filter(r -> r.is("benign")).toList();
    List<CorpusRow> user = rows.stream().filter(r -> r.is("injection") && r.role().equals("user")).toList();
    List<CorpusRow> tool = rows.stream().filter(r -> r.is("injection") && r.role().equals("tool")).toList();
    List<CorpusRow> benignTool = benign.stream().filter(r -> r.role().equals("tool")).toList();
    List<Curve> out = new ArrayList<>();
    if (!user.isEmpty() && !benign.isEmpty()) {
      out.add(new Curve("user role, every benign row as negatives", user.size(), benign.size(), curve(user, benign, score)));
      List<CorpusRow> noSuffix = user.stream().filter(r -> !r.source().contains("GCG")).toList();
      if (noSuffix.size() < user.size()) {
        out.add(new Curve("user role without adversarial suffixes (GCG), every benign row as negatives", noSuffix.size(), benign.size(),
            curve(noSuffix, benign, score)));
      }
    }
    if (!tool.isEmpty() && !benignTool.isEmpty()) {
      out.add(new Curve("tool role, benign tool outputs and documents as negatives", tool.size(), benignTool.size(),
          curve(tool, benignTool, score)));
    }
    return out;
  }

  private DetectionReport() {}

  /**
   * The source a row is reported under: the repository (commit dropped) and its sub-source, without
   * file paths or items: {@code uiuc-kang-lab/InjecAgent:test_cases_dh_base:AmazonGetProductDetails}
   * is {@code uiuc-kang-lab/InjecAgent:test_cases_dh_base}.
   */
  public static String group(String source) {
    String s = source.replaceAll("@[0-9a-f]{6,40}", "");
    String[] parts = s.split(":");
    // a sub-source is kept (InjecAgent's test_cases_dh_base); a file path or an item is not
    return parts.length < 2 || parts[1].contains("/") || parts[1].contains(".") ? parts[0] : parts[0] + ":" + parts[1];
  }

  /** Each source's rows flagged by {@code flags}, sources in name order, then label and role. */
  public static List<Group> bySource(List<CorpusRow> rows, Predicate<CorpusRow> flags) {
    Map<String, int[]> counts = new TreeMap<>();
    for (CorpusRow r : rows) {
      String key = group(r.source()) + "\u0000" + r.label() + "\u0000" + r.role();
      int[] c = counts.computeIfAbsent(key, k -> new int[2]);
      c[0]++;
      if (flags.test(r)) {
        c[1]++;
      }
    }
    List<Group> out = new ArrayList<>();
    counts.forEach((key, c) -> {
      String[] k = key.split("\u0000", -1);
      out.add(new Group(k[0], k[1], k[2], c[0], c[1]));
    });
    return out;
  }

  /**
   * A refusal detector's groups: each source's answers split into compliant ones and refusals
   * ({@code refusal} and {@code partial_refusal} rows together), with the share {@code flags} flags.
   */
  public static List<Group> byRefusal(List<CorpusRow> rows, Predicate<CorpusRow> flags) {
    return bySource(rows.stream()
        .map(r -> new CorpusRow(r.text(), r.is("compliance") ? "compliance" : "refusal or partial", r.source(), r.role())).toList(), flags);
  }

  /**
   * The threshold curve: for each rate of {@link #FALSE_POSITIVE_RATES}, the lowest threshold
   * that flags at most that share of {@code negatives} (a score flags when it is at least the
   * threshold), and the share of {@code positives} it flags.
   */
  public static List<Point> curve(List<CorpusRow> positives, List<CorpusRow> negatives, ToDoubleFunction<CorpusRow> score) {
    double[] neg = negatives.stream().mapToDouble(score).sorted().toArray();
    double[] pos = positives.stream().mapToDouble(score).toArray();
    List<Point> out = new ArrayList<>();
    for (double rate : FALSE_POSITIVE_RATES) {
      int allowed = (int) Math.floor(rate * neg.length);
      double threshold = Math.nextUp(neg[neg.length - 1 - allowed]);
      int above = (int) Arrays.stream(neg).filter(x -> x >= threshold).count();
      long hit = Arrays.stream(pos).filter(x -> x >= threshold).count();
      out.add(new Point(rate, threshold, above, pos.length == 0 ? Double.NaN : (double) hit / pos.length));
    }
    return out;
  }

  /** The groups as a markdown table. */
  public static String table(List<Group> groups) {
    StringBuilder b = new StringBuilder("| source | label | role | rows | flagged | 95% interval |\n|---|---|---|---|---|---|\n");
    for (Group g : groups) {
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | **%.1f%%** | %s |%n", g.source(), g.label(), g.role(), g.rows(),
          100 * g.rate(), g.interval()));
    }
    return b.toString();
  }

  /** A curve as a markdown table. */
  public static String curveTable(String name, List<Point> curve, int positives, int negatives) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "%s (%,d positives, %,d negatives)%n%n| false-positive rate at most | threshold | negatives flagged | recall |%n|---|---|---|---|%n",
        name, positives, negatives));
    for (Point p : curve) {
      b.append(String.format(Locale.ROOT, "| %.1f%% | %.3f | %d | **%.1f%%** |%n", 100 * p.falsePositiveRate(), p.threshold(),
          p.negativesAbove(), 100 * p.recall()));
    }
    return b.toString();
  }
}
