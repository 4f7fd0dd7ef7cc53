package dev.sluice.testkit.eval;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Detection figures: true and false positives and negatives, detection rate (recall),
 * false-positive rate, precision.
 */
public record Scores(long tp, long fp, long tn, long fn) {

  public static Scores of(List<LabelledText> data, Predicate<String> detector) {
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    for (LabelledText t : data) {
      boolean flagged = detector.test(t.text());
      if (t.positive()) {
        if (flagged) tp++; else fn++;
      } else {
        if (flagged) fp++; else tn++;
      }
    }
    return new Scores(tp, fp, tn, fn);
  }

  public Scores plus(Scores o) {
    return new Scores(tp + o.tp, fp + o.fp, tn + o.tn, fn + o.fn);
  }

  /** Detection rate: positives flagged. */
  public double recall() {
    return tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
  }

  public double falsePositiveRate() {
    return fp + tn == 0 ? Double.NaN : (double) fp / (fp + tn);
  }

  public double precision() {
    return tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "detection rate (recall) %.3f, false-positive rate %.3f, precision %.3f (tp %d, fp %d, tn %d, fn %d)",
        recall(), falsePositiveRate(), precision(), tp, fp, tn, fn);
  }
}
