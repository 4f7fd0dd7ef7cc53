package dev.sluice.guardrails;

import dev.sluice.guardrails.internal.LinearTextModel;
import dev.sluice.guardrails.internal.LinearTextTrainer;
import dev.sluice.model.Role;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The learned prompt-injection detector: logistic regression over hashed words, word pairs and
 * character 4-grams, read in windows of 2,048 characters (a long document scores as its most
 * suspicious window), with a decision threshold per message role. Pure Java, linear time, no
 * allocation per character; thread-safe.
 *
 * <p>{@link #builtIn()} is the model shipped with Sluice, trained by the command in
 * {@code docs/GUARDRAILS.md} on the development corpus's training files (MANIFEST of
 * {@code guardrails/src/test/data}); {@link PromptInjection} uses it by default beside its rules.
 * A team can {@link #train} its own on its own traffic and {@link #read(Path) read} it from a file:
 *
 * <pre>{@code
 * InjectionModel model = InjectionModel.read(Path.of("/etc/sluice/injection-model.bin"));
 * InputGuardrail guard = PromptInjection.withModel(model);
 * }</pre>
 */
public final class InjectionModel implements InjectionClassifier {

  private static final int MAGIC = 0x53494D31; // "SIM1"
  private static final String RESOURCE = "injection-model.bin";
  /**
   * The share of each role's held-out benign training texts a threshold lets through as false
   * positives: under a third of the 1% the detector is meant to reach on text it was not trained on
   * (0.5% gave 1.2% on the dev rows: see docs/GUARDRAILS.md).
   */
  static final double TARGET_FALSE_POSITIVES = 0.003;
  private static final int FOLDS = 5;

  private final LinearTextModel model;
  /** Per role, by ordinal. */
  private final double[] thresholds;

  private InjectionModel(LinearTextModel model, Map<Role, Double> thresholds) {
    this.model = model;
    this.thresholds = new double[Role.values().length];
    for (Role r : Role.values()) {
      Double t = thresholds.get(r);
      if (t == null || !(t > 0 && t < 1)) {
        throw new IllegalArgumentException("injection model: threshold of role " + r.wireName() + " must be within (0, 1): " + t);
      }
      this.thresholds[r.ordinal()] = t;
    }
  }

  /** The model shipped in this jar (loaded once). */
  public static InjectionModel builtIn() {
    return BuiltIn.MODEL;
  }

  private static final class BuiltIn {
    static final InjectionModel MODEL = load();

    private static InjectionModel load() {
      try (InputStream in = InjectionModel.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("the built-in injection model " + RESOURCE + " is missing from the sluice-guardrails jar");
        }
        return read(in);
      } catch (IOException e) {
        throw new UncheckedIOException("the built-in injection model could not be read", e);
      }
    }
  }

  /** The probability that {@code text} is, or carries, a prompt injection: its most suspicious window's. */
  @Override
  public double score(String text) {
    return model.score(text);
  }

  /** The score at and above which a message of {@code role} is flagged. */
  public double threshold(Role role) {
    return thresholds[role.ordinal()];
  }

  /** Whether a message of {@code role} holding {@code text} is flagged. */
  public boolean flags(String text, Role role) {
    return score(text) >= threshold(role);
  }

  /**
   * Trains a model: weighted logistic regression (each role's injections and benign texts weigh
   * the same in total, so a role with few examples is not drowned), then per role the threshold
   * that lets through {@value #TARGET_FALSE_POSITIVES} of that role's benign texts when each is
   * scored by a model trained without it (5-fold cross-validation). System messages take the
   * user role's threshold and assistant messages the tool role's, unless the texts hold examples
   * of them. Deterministic: the same texts in the same order give the same file.
   *
   * @throws IllegalArgumentException when there is no injection or no benign text
   */
  public static InjectionModel train(List<TrainingText> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no training texts");
    }
    if (texts.stream().noneMatch(TrainingText::injection) || texts.stream().allMatch(TrainingText::injection)) {
      throw new IllegalArgumentException("training needs injections and benign texts (the thresholds are set on the benign ones): got "
          + texts.stream().filter(TrainingText::injection).count() + " injections of " + texts.size() + " texts");
    }
    List<LinearTextTrainer.Example> examples = examples(texts);
    LinearTextTrainer trainer = new LinearTextTrainer(LinearTextTrainer.Options.DEFAULTS);
    EnumMap<Role, List<Double>> heldOut = new EnumMap<>(Role.class);
    for (int fold = 0; fold < FOLDS; fold++) {
      List<LinearTextTrainer.Example> in = new ArrayList<>();
      for (int i = 0; i < examples.size(); i++) {
        if (i % FOLDS != fold) {
          in.add(examples.get(i));
        }
      }
      LinearTextModel m = trainer.train(in);
      for (int i = fold; i < texts.size(); i += FOLDS) {
        TrainingText t = texts.get(i);
        if (!t.injection()) {
          heldOut.computeIfAbsent(t.role(), r -> new ArrayList<>()).add(m.score(t.text()));
        }
      }
    }
    EnumMap<Role, Double> thresholds = new EnumMap<>(Role.class);
    heldOut.forEach((role, scores) -> thresholds.put(role, threshold(scores)));
    borrow(thresholds, Role.USER, Role.TOOL);
    borrow(thresholds, Role.TOOL, Role.USER);
    borrow(thresholds, Role.SYSTEM, Role.USER);
    borrow(thresholds, Role.ASSISTANT, Role.TOOL);
    return new InjectionModel(trainer.train(examples), thresholds);
  }

  private static void borrow(EnumMap<Role, Double> thresholds, Role to, Role from) {
    if (!thresholds.containsKey(to) && thresholds.containsKey(from)) {
      thresholds.put(to, thresholds.get(from));
    }
  }

  private static List<LinearTextTrainer.Example> examples(List<TrainingText> texts) {
    Map<String, Integer> counts = new java.util.HashMap<>();
    for (TrainingText t : texts) {
      counts.merge(t.role() + "/" + t.injection(), 1, Integer::sum);
    }
    List<LinearTextTrainer.Example> out = new ArrayList<>(texts.size());
    for (TrainingText t : texts) {
      // each role's classes weigh 1,000 in all; benign twice that, since false positives cost more
      double w = 1000.0 / counts.getOrDefault(t.role() + "/" + t.injection(), 1) * (t.injection() ? 1 : 2);
      out.add(new LinearTextTrainer.Example(t.text(), t.injection(), w));
    }
    return out;
  }

  /** The lowest score above all but {@link #TARGET_FALSE_POSITIVES} of {@code benign}. */
  private static double threshold(List<Double> benign) {
    double[] s = benign.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int allowed = (int) Math.floor(TARGET_FALSE_POSITIVES * s.length);
    double above = s[s.length - 1 - allowed];
    // strictly above that benign score, within (0, 1)
    return Math.min(Math.nextUp(above), Math.nextDown(1.0));
  }

  /** Reads a model {@link #write} wrote (gzip-compressed). */
  public static InjectionModel read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(new GZIPInputStream(in));
    int magic = data.readInt();
    if (magic != MAGIC) {
      throw new IOException("not a Sluice injection model (magic " + Integer.toHexString(magic) + ")");
    }
    EnumMap<Role, Double> thresholds = new EnumMap<>(Role.class);
    for (Role r : Role.values()) {
      thresholds.put(r, data.readDouble());
    }
    LinearTextModel model = LinearTextModel.read(data);
    try {
      return new InjectionModel(model, thresholds);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Reads a model from a file, naming the file when it cannot. */
  public static InjectionModel read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    } catch (IOException e) {
      throw new IOException("injection model " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes the model, gzip-compressed; the stream is finished but not closed. */
  public void write(OutputStream out) throws IOException {
    GZIPOutputStream zip = new GZIPOutputStream(out) {
      {
        // a fixed header: the same model always makes the same bytes
        def.setLevel(9);
      }
    };
    DataOutputStream data = new DataOutputStream(zip);
    data.writeInt(MAGIC);
    for (Role r : Role.values()) {
      data.writeDouble(threshold(r));
    }
    model.write(data);
    data.flush();
    zip.finish();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("InjectionModel[");
    for (Role r : Role.values()) {
      b.append(r.wireName()).append('=').append(String.format(Locale.ROOT, "%.4f", threshold(r))).append(r == Role.TOOL ? "" : ", ");
    }
    return b.append(']').toString();
  }
}
