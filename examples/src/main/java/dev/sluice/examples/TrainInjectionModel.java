package dev.sluice.examples;

import dev.sluice.guardrails.InjectionModel;
import dev.sluice.guardrails.TrainingText;
import dev.sluice.testkit.eval.CorpusRow;
import dev.sluice.testkit.eval.GuardrailCorpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Trains the built-in injection model from the training files of the labelled data (never the
 * dev files) and writes it where the guardrails jar takes it from. Deterministic: the same data
 * gives the same bytes, which {@code InjectionModelTrainingTest} checks against the committed file.
 *
 * <pre>
 * ./mvnw -q -B -DskipTests -pl examples -am package exec:java \
 *     -Ddemo.mainClass=dev.sluice.examples.TrainInjectionModel \
 *     -Dexec.args="guardrails/src/test/data guardrails/src/main/resources/dev/sluice/guardrails/injection-model.bin"
 * </pre>
 */
public final class TrainInjectionModel {

  private TrainInjectionModel() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: TrainInjectionModel DATA_DIR OUT_FILE (the labelled data's folder, the model file to write)");
    }
    Path data = Path.of(args[0]);
    Path out = Path.of(args[1]);
    List<CorpusRow> rows = new GuardrailCorpus(data).injectionTrain();
    long started = System.nanoTime();
    InjectionModel model = InjectionModel.train(texts(rows));
    byte[] bytes = bytes(model);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.write(out, bytes);
    System.out.printf(Locale.ROOT, "trained on %,d texts in %.1f s: %s%nwrote %s (%,d bytes, sha-256 %s)%n", rows.size(),
        (System.nanoTime() - started) / 1e9, model, out, bytes.length,
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
  }

  /** The corpus rows as training texts: {@code injection} rows positive, every other label negative. */
  public static List<TrainingText> texts(List<CorpusRow> rows) {
    return rows.stream().map(r -> new TrainingText(r.text(), r.messageRole(), r.is("injection"))).toList();
  }

  static byte[] bytes(InjectionModel model) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    model.write(b);
    return b.toByteArray();
  }
}
