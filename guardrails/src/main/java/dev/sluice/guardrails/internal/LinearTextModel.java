package dev.sluice.guardrails.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A logistic model over {@link HashedFeatures}, read in windows: the text is cut into blocks of
 * {@code blockChars}, a window is {@code windowBlocks} consecutive blocks, and the text's score is
 * its highest-scoring window's, so one planted instruction in a long document is not diluted by
 * the rest. A window's score is {@code sigmoid(bias + sum of its features' weights / sqrt(number
 * of features))}. One pass over the text, then one over its blocks: linear time, and memory of
 * two numbers per block.
 *
 * <p>Immutable and thread-safe. The weights are stored as 16-bit fixed point (the file is a
 * quarter of the floats' size; the scores differ from the trained model's by less than 1e-3).
 */
public final class LinearTextModel {

  private static final int MAGIC = 0x534C4D31; // "SLM1"
  /** The longest text a window may hold, in blocks, and the largest block: bounds a file's promises. */
  private static final int MAX_WINDOW_CHARS = 1 << 16;

  private final HashedFeatures features;
  private final float[] weights;
  private final float bias;
  private final int blockChars;
  private final int windowBlocks;

  public LinearTextModel(HashedFeatures features, float[] weights, float bias, int blockChars, int windowBlocks) {
    if (weights.length != features.buckets()) {
      throw new IllegalArgumentException("weights: " + weights.length + " for " + features.buckets() + " buckets");
    }
    if (blockChars < 1 || windowBlocks < 1 || (long) blockChars * windowBlocks > MAX_WINDOW_CHARS) {
      throw new IllegalArgumentException("window of " + windowBlocks + " blocks of " + blockChars + " characters");
    }
    this.features = features;
    this.weights = weights;
    this.bias = bias;
    this.blockChars = blockChars;
    this.windowBlocks = windowBlocks;
  }

  public HashedFeatures features() {
    return features;
  }

  public int blockChars() {
    return blockChars;
  }

  public int windowBlocks() {
    return windowBlocks;
  }

  /** The probability that {@code text} is positive: its best window's. Empty text scores the bias alone. */
  public double score(CharSequence text) {
    return sigmoid(logit(text));
  }

  /** The best window's log-odds. */
  public double logit(CharSequence text) {
    int length = text.length();
    int blocks = Math.max(1, (length + blockChars - 1) / blockChars);
    double[] sums = new double[blocks];
    int[] counts = new int[blocks];
    features.forEach(text, 0, length, (bucket, at) -> {
      int b = at / blockChars;
      sums[b] += weights[bucket];
      counts[b]++;
    });
    if (blocks <= windowBlocks) {
      return window(sum(sums, 0, blocks), sum(counts, 0, blocks));
    }
    double s = sum(sums, 0, windowBlocks);
    long n = sum(counts, 0, windowBlocks);
    double best = window(s, n);
    for (int end = windowBlocks; end < blocks; end++) {
      int start = end - windowBlocks;
      s += sums[end] - sums[start];
      n += counts[end] - counts[start];
      best = Math.max(best, window(s, n));
    }
    return best;
  }

  private double window(double sum, long count) {
    return count == 0 ? bias : bias + sum / Math.sqrt(count);
  }

  private static double sum(double[] a, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += a[i];
    }
    return s;
  }

  private static long sum(int[] a, int from, int to) {
    long s = 0;
    for (int i = from; i < to; i++) {
      s += a[i];
    }
    return s;
  }

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /** Writes the model: a header, then the weights as 16-bit fixed point. */
  public void write(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    float max = 0;
    for (float w : weights) {
      max = Math.max(max, Math.abs(w));
    }
    float scale = max == 0 ? 1 : max / Short.MAX_VALUE;
    data.writeInt(MAGIC);
    data.writeByte(features.bits());
    data.writeInt(blockChars);
    data.writeInt(windowBlocks);
    data.writeFloat(bias);
    data.writeFloat(scale);
    for (float w : weights) {
      data.writeShort(Math.round(w / scale));
    }
    data.flush();
  }

  /** Reads a model {@link #write} wrote; a file of another format or cut short is refused naming what is wrong. */
  public static LinearTextModel read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int magic = data.readInt();
    if (magic != MAGIC) {
      throw new IOException("not a Sluice text model (magic " + Integer.toHexString(magic) + ")");
    }
    int bits = data.readUnsignedByte();
    HashedFeatures features;
    try {
      features = new HashedFeatures(bits);
    } catch (IllegalArgumentException e) {
      throw new IOException("text model: " + e.getMessage(), e);
    }
    int blockChars = data.readInt();
    int windowBlocks = data.readInt();
    float bias = data.readFloat();
    float scale = data.readFloat();
    if (!Float.isFinite(bias) || !Float.isFinite(scale) || scale <= 0) {
      throw new IOException("text model: bias " + bias + ", scale " + scale);
    }
    float[] weights = new float[features.buckets()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = data.readShort() * scale;
    }
    try {
      return new LinearTextModel(features, weights, bias, blockChars, windowBlocks);
    } catch (IllegalArgumentException e) {
      throw new IOException("text model: " + e.getMessage(), e);
    }
  }

  /** The model with its weights rounded as {@link #write} stores them, so a trained model scores as its file will. */
  public LinearTextModel quantized() {
    float max = 0;
    for (float w : weights) {
      max = Math.max(max, Math.abs(w));
    }
    float scale = max == 0 ? 1 : max / Short.MAX_VALUE;
    float[] q = Arrays.copyOf(weights, weights.length);
    for (int i = 0; i < q.length; i++) {
      q[i] = (short) Math.round(q[i] / scale) * scale;
    }
    return new LinearTextModel(features, q, bias, blockChars, windowBlocks);
  }
}
