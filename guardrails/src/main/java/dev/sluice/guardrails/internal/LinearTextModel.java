package dev.sluice.guardrails.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A logistic model over {@link HashedFeatures}, read in windows: the text is cut into blocks of
 * {@code blockChars}, a window is {@code windowBlocks} consecutive blocks, and the text's score is
 * its highest-scoring window's, so one planted instruction in a long document is not diluted by
 * the rest. A window's score is {@code sigmoid(bias + sum of its features' weights / sqrt(number
 * of features))}. One pass over the text, then one over its blocks: linear time, and memory of
 * two numbers per block.
 *
 * <p>Immutable and thread-safe. The weights are kept and stored as 16-bit fixed point (half the
 * floats' size: half the memory read per feature; a score differs from the float weights' by less
 * than 1e-3), so a trained model scores exactly as the file it is written to.
 */
public final class LinearTextModel {

  private static final int MAGIC = 0x534C4D31; // "SLM1"
  /** The longest text a window may hold, in blocks, and the largest block: bounds a file's promises. */
  private static final int MAX_WINDOW_CHARS = 1 << 16;

  private final HashedFeatures features;
  /** The weights as stored (16-bit fixed point, {@code weight = stored x scale}): half the memory to read per feature. */
  private final short[] stored;
  private final float scale;
  private final float bias;
  private final int blockChars;
  /** {@code log2(blockChars)}: a shift finds a character's block, not a division per feature. */
  private final int blockShift;
  private final int windowBlocks;

  /** A model of float weights, kept as 16-bit fixed point. */
  public LinearTextModel(HashedFeatures features, float[] weights, float bias, int blockChars, int windowBlocks) {
    this(features, quantize(weights, scaleOf(weights)), scaleOf(weights), bias, blockChars, windowBlocks);
  }

  private LinearTextModel(HashedFeatures features, short[] stored, float scale, float bias, int blockChars, int windowBlocks) {
    if (stored.length != features.buckets()) {
      throw new IllegalArgumentException("weights: " + stored.length + " for " + features.buckets() + " buckets");
    }
    if (blockChars < 1 || Integer.bitCount(blockChars) != 1 || windowBlocks < 1 || (long) blockChars * windowBlocks > MAX_WINDOW_CHARS) {
      throw new IllegalArgumentException("window of " + windowBlocks + " blocks of " + blockChars
          + " characters (a power of two; at most " + MAX_WINDOW_CHARS + " characters in all)");
    }
    this.blockShift = Integer.numberOfTrailingZeros(blockChars);
    this.features = features;
    this.stored = stored;
    this.scale = scale;
    this.bias = bias;
    this.blockChars = blockChars;
    this.windowBlocks = windowBlocks;
  }

  private static short[] quantize(float[] weights, float scale) {
    short[] q = new short[weights.length];
    for (int i = 0; i < weights.length; i++) {
      q[i] = (short) Math.round(weights[i] / scale);
    }
    return q;
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
    long[] sums = new long[blocks];
    int[] counts = new int[blocks];
    short[] w = stored;
    int shift = blockShift;
    features.forEach(text, 0, length, (bucket, at) -> {
      int b = at >>> shift;
      sums[b] += w[bucket];
      counts[b]++;
    });
    if (blocks <= windowBlocks) {
      return window(sum(sums, 0, blocks), sum(counts, 0, blocks));
    }
    long s = sum(sums, 0, windowBlocks);
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

  /** A window's log-odds from the sum of its stored weights. */
  private double window(long sum, long count) {
    return count == 0 ? bias : bias + sum * (double) scale / Math.sqrt(count);
  }

  private static long sum(long[] a, int from, int to) {
    long s = 0;
    for (int i = from; i < to; i++) {
      s += a[i];
    }
    return s;
  }

  private static float scaleOf(float[] weights) {
    float max = 0;
    for (float w : weights) {
      max = Math.max(max, Math.abs(w));
    }
    return max == 0 ? 1 : max / Short.MAX_VALUE;
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
    data.writeInt(MAGIC);
    data.writeByte(features.bits());
    data.writeInt(blockChars);
    data.writeInt(windowBlocks);
    data.writeFloat(bias);
    data.writeFloat(scale);
    for (short w : stored) {
      data.writeShort(w);
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
    short[] stored = new short[features.buckets()];
    for (int i = 0; i < stored.length; i++) {
      stored[i] = data.readShort();
    }
    try {
      return new LinearTextModel(features, stored, scale, bias, blockChars, windowBlocks);
    } catch (IllegalArgumentException e) {
      throw new IOException("text model: " + e.getMessage(), e);
    }
  }


}
