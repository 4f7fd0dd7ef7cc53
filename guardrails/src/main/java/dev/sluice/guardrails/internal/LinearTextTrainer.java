package dev.sluice.guardrails.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Trains a {@link LinearTextModel}: weighted logistic regression by AdaGrad with an L2 penalty,
 * over the windows a model reads. A negative text teaches every window of it (the model flags a
 * text by its best window, so none may look positive); a positive text longer than one window
 * teaches all its windows for the first epochs, then only its best one (the planted instruction,
 * not the document around it). Deterministic: the same texts, in the same order, with the same
 * options give the same weights, bit for bit.
 */
public final class LinearTextTrainer {

  /** One training text: its label and how much it counts. */
  public record Example(String text, boolean positive, double weight) {}

  /** Hyper-parameters; {@link #DEFAULTS} are the shipped models'. */
  public record Options(int bits, int blockChars, int windowBlocks, int epochs, int allWindowEpochs, double learningRate,
      double l2, long seed) {
    public static final Options DEFAULTS = new Options(18, 256, 8, 14, 3, 0.5, 1e-6, 20261130L);
  }

  private final Options options;
  private final HashedFeatures features;

  public LinearTextTrainer(Options options) {
    this.options = options;
    this.features = new HashedFeatures(options.bits());
  }

  private record Window(int[] buckets) {}

  private record Doc(List<Window> windows, boolean positive, double weight) {}

  public LinearTextModel train(List<Example> examples) {
    List<Doc> docs = new ArrayList<>(examples.size());
    for (Example e : examples) {
      docs.add(new Doc(windows(e.text()), e.positive(), e.weight()));
    }
    int n = features.buckets();
    float[] w = new float[n];
    double[] g2 = new double[n];
    double[] bias = {0};
    double[] biasG2 = {0};
    Random random = new Random(options.seed());
    int[] order = new int[docs.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int epoch = 0; epoch < options.epochs(); epoch++) {
      shuffle(order, random);
      boolean allWindows = epoch < options.allWindowEpochs();
      for (int d : order) {
        Doc doc = docs.get(d);
        if (doc.positive() && !allWindows && doc.windows().size() > 1) {
          step(best(doc, w, bias[0]), 1, doc.weight(), w, g2, bias, biasG2);
        } else {
          double each = doc.weight() / doc.windows().size();
          for (Window win : doc.windows()) {
            step(win, doc.positive() ? 1 : 0, doc.positive() ? each : doc.weight(), w, g2, bias, biasG2);
          }
        }
      }
    }
    return new LinearTextModel(features, w, (float) bias[0], options.blockChars(), options.windowBlocks());
  }

  private void step(Window win, int y, double weight, float[] w, double[] g2, double[] bias, double[] biasG2) {
    int[] b = win.buckets();
    double norm = norm(b);
    double gradient = (LinearTextModel.sigmoid(logit(win, w, bias[0])) - y) * weight;
    double lr = options.learningRate();
    for (int f : b) {
      double g = gradient * norm + options.l2() * w[f];
      g2[f] += g * g;
      w[f] -= (float) (lr * g / Math.sqrt(g2[f] + 1e-8));
    }
    biasG2[0] += gradient * gradient;
    bias[0] -= lr * gradient / Math.sqrt(biasG2[0] + 1e-8);
  }

  private static Window best(Doc doc, float[] w, double bias) {
    Window best = doc.windows().get(0);
    double bestZ = Double.NEGATIVE_INFINITY;
    for (Window win : doc.windows()) {
      double z = logit(win, w, bias);
      if (z > bestZ) {
        bestZ = z;
        best = win;
      }
    }
    return best;
  }

  /** A window's log-odds under the weights being trained. */
  private static double logit(Window win, float[] w, double bias) {
    int[] b = win.buckets();
    double norm = norm(b);
    double z = bias;
    for (int f : b) {
      z += w[f] * norm;
    }
    return z;
  }

  private static double norm(int[] buckets) {
    return buckets.length == 0 ? 1 : 1 / Math.sqrt(buckets.length);
  }

  /** The windows of a text as the model reads them, taken every half window. */
  private List<Window> windows(String text) {
    int block = options.blockChars();
    int window = block * options.windowBlocks();
    List<Window> out = new ArrayList<>();
    if (text.length() <= window) {
      out.add(new Window(collect(text, 0, text.length())));
      return out;
    }
    int stride = Math.max(block, window / 2 / block * block);
    for (int start = 0; ; start += stride) {
      int end = Math.min(text.length(), start + window);
      // a window starts at a block's start: the model scores whole blocks
      out.add(new Window(collect(text, start, end)));
      if (end == text.length()) {
        break;
      }
    }
    return out;
  }

  private int[] collect(String text, int from, int to) {
    int[][] buf = {new int[Math.max(16, (to - from) * 2)]};
    int[] size = {0};
    features.forEach(text, from, to, (bucket, at) -> {
      if (size[0] == buf[0].length) {
        buf[0] = Arrays.copyOf(buf[0], size[0] * 2);
      }
      buf[0][size[0]++] = bucket;
    });
    return Arrays.copyOf(buf[0], size[0]);
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
