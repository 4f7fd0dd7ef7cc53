package dev.sluice;

import dev.sluice.release.ReleaseEvent;
import dev.sluice.release.ReleaseRefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of release files, one release each ({@code *.yaml}, {@code *.yml}, {@code *.json};
 * the format of {@link ReleaseDefinition}), published as they appear or change. A scan reads every
 * such regular file (hidden names, such as a Kubernetes ConfigMap's {@code ..data}, are skipped), in
 * name order, and publishes the new or changed ones ({@code published_by} and {@code reason} from
 * the file, else {@code file:NAME}). A file refused because another release is rolling out is tried
 * again on every scan, so files wait their turn; a file refused for its content, or that cannot be
 * read, is logged once and tried again when it changes. Removing a file unpublishes nothing:
 * releases are history; roll back with {@link Releases#rollbackTo}.
 *
 * <p>{@link dev.sluice.Sluice.Builder#releaseDirectory} scans at build and then on a schedule.
 * Thread-safe.
 */
public final class ReleaseDirectory {

  private static final Logger log = LoggerFactory.getLogger(ReleaseDirectory.class);
  /** The most release files a scan reads; more are logged and left. */
  public static final int MAX_FILES = 1000;

  private final Path directory;
  private final Releases releases;
  /** Per file, the digest of the content last acted on and whether it waits for another rollout. */
  private final Map<String, Seen> seen = new HashMap<>();

  private record Seen(String digest, boolean waits) {}

  public ReleaseDirectory(Path directory, Releases releases) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.releases = Objects.requireNonNull(releases, "releases");
  }

  /** Reads the directory once; the events of the releases this scan published. */
  public synchronized List<ReleaseEvent> scan() {
    List<ReleaseEvent> published = new ArrayList<>();
    Map<String, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory)) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) && Files.isRegularFile(p)) {
          if (files.size() == MAX_FILES) {
            log.warn("release directory {} has more than {} release files; the rest are not read", directory, MAX_FILES);
            break;
          }
          files.put(name, p);
        }
      }
    } catch (IOException e) {
      log.warn("release directory {} cannot be read: {}", directory, e.toString());
      return published;
    }
    seen.keySet().retainAll(files.keySet()); // a file that comes back is read again
    for (Map.Entry<String, Path> f : files.entrySet()) {
      ReleaseEvent e = read(f.getKey(), f.getValue());
      if (e != null) {
        published.add(e);
      }
    }
    return published;
  }

  private @org.jspecify.annotations.Nullable ReleaseEvent read(String name, Path file) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(ReleaseDefinition.MAX_BYTES + 1);
    } catch (IOException e) {
      log.warn("release file {} cannot be read: {}", name, e.toString());
      return null;
    }
    String digest = digest(bytes);
    Seen before = seen.get(name);
    if (before != null && before.digest().equals(digest) && !before.waits()) {
      return null;
    }
    try {
      ReleaseDefinition d = ReleaseDefinition.read(new java.io.ByteArrayInputStream(bytes)); // refuses more than MAX_BYTES
      String who = d.publishedBy() != null ? d.publishedBy() : "file:" + name;
      String why = d.reason() != null ? d.reason() : "release file " + name;
      ReleaseEvent e = releases.publish(d, who, why);
      seen.put(name, new Seen(digest, false));
      return e.why().startsWith("unchanged:") ? null : e;
    } catch (ReleaseRefusedException e) {
      if (e.waits()) {
        if (before == null || !before.digest().equals(digest)) {
          log.info("release file {} waits: {}", name, e.reason());
        }
        seen.put(name, new Seen(digest, true));
      } else {
        log.warn("release file {} refused: {}", name, e.reason());
        seen.put(name, new Seen(digest, false));
      }
    } catch (RuntimeException | IOException e) {
      log.warn("release file {} not published: {}", name, e.getMessage());
      seen.put(name, new Seen(digest, false));
    }
    return null;
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
