package dev.sluice.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Writes each audit event as one JSON line to a file, for services that keep audit apart from
 * their logs (or have no logging backend: the default sink, {@link AuditSink#slf4j()}, needs an
 * SLF4J 2 provider such as Logback, and without one SLF4J drops every event).
 *
 * <pre>{@code
 * JsonLinesAuditSink audit = JsonLinesAuditSink.builder(Path.of("/var/log/app/sluice-audit.jsonl"))
 *     .maxFileBytes(256L << 20).keepFiles(10).build();
 * Sluice sluice = Sluice.builder().auditSink(audit)...build();
 * // on shutdown, after sluice.close():
 * audit.close();
 * }</pre>
 *
 * <p>Each event is written (one {@code write} of its whole line, under a lock, so lines from
 * concurrent calls never interleave) before {@link #accept} returns; with {@link
 * Builder#fsync(boolean) fsync} also forced to the disk. When the file would pass {@link
 * Builder#maxFileBytes(long) maxFileBytes} it is rotated: {@code name} becomes {@code name.1},
 * {@code name.1} becomes {@code name.2}, and so on up to {@link Builder#keepFiles(int) keepFiles};
 * the oldest is deleted. A line is never split between two files. A write that fails throws an
 * {@link UncheckedIOException} naming the file, which the pipeline logs at WARN with the event, so
 * the event is not lost silently. Thread-safe.
 */
public final class JsonLinesAuditSink implements AuditSink, AutoCloseable {

  private final Path file;
  private final long maxFileBytes;
  private final int keepFiles;
  private final boolean fsync;
  private final ReentrantLock lock = new ReentrantLock();
  private @Nullable FileChannel channel;
  private long size;
  private boolean closed;

  private JsonLinesAuditSink(Builder b) throws IOException {
    this.file = b.file;
    this.maxFileBytes = b.maxFileBytes;
    this.keepFiles = b.keepFiles;
    this.fsync = b.fsync;
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    open();
  }

  /** A sink writing to {@code file} with the defaults: files of at most 100 MiB, 5 kept, no fsync. */
  public static JsonLinesAuditSink to(Path file) throws IOException {
    return builder(file).build();
  }

  public static Builder builder(Path file) {
    return new Builder(file);
  }

  @Override
  public void accept(AuditEvent event) {
    write(event.toJson());
  }

  /** A rollout's change, as a line with {@code "event": "rollout"}. */
  @Override
  public void acceptRollout(dev.sluice.rollout.RolloutEvent event) {
    write(event.toJson());
  }

  @Override
  public void acceptRelease(dev.sluice.release.ReleaseEvent event) {
    write(event.toJson());
  }

  private void write(String json) {
    ByteBuffer line = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the audit file sink for " + file + " is closed");
      }
      if (size > 0 && size + line.remaining() > maxFileBytes) {
        rotate();
      }
      FileChannel c = Objects.requireNonNull(channel);
      while (line.hasRemaining()) {
        size += c.write(line);
      }
      if (fsync) {
        c.force(false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the audit event to " + file, e);
    } finally {
      lock.unlock();
    }
  }

  /** The file events are written to now. */
  public Path file() {
    return file;
  }

  private void open() throws IOException {
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    size = channel.size();
  }

  private void rotate() throws IOException {
    Objects.requireNonNull(channel).close();
    channel = null;
    Files.deleteIfExists(numbered(keepFiles));
    for (int i = keepFiles - 1; i >= 1; i--) {
      Path from = numbered(i);
      if (Files.exists(from)) {
        Files.move(from, numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (keepFiles > 0) {
      Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.delete(file);
    }
    open();
  }

  private Path numbered(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  /** Flushes to the disk and closes the file; later events throw. */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      FileChannel c = channel;
      if (c != null) {
        c.force(false);
        c.close();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "JsonLinesAuditSink[" + file + "]";
  }

  /** Builds a {@link JsonLinesAuditSink}. */
  public static final class Builder {
    private final Path file;
    private long maxFileBytes = 100L << 20;
    private int keepFiles = 5;
    private boolean fsync;

    private Builder(Path file) {
      this.file = Objects.requireNonNull(file, "file");
    }

    /** The size past which the file is rotated; at least 64 KiB; default 100 MiB. */
    public Builder maxFileBytes(long bytes) {
      if (bytes < 64 * 1024) {
        throw new IllegalArgumentException("maxFileBytes must be at least 65536, was " + bytes);
      }
      this.maxFileBytes = bytes;
      return this;
    }

    /** How many rotated files are kept beside the current one (0 to 1000); default 5. */
    public Builder keepFiles(int count) {
      if (count < 0 || count > 1000) {
        throw new IllegalArgumentException("keepFiles must be between 0 and 1000, was " + count);
      }
      this.keepFiles = count;
      return this;
    }

    /** Whether each event is forced to the disk before {@code accept} returns (slower; survives a power cut); default off. */
    public Builder fsync(boolean force) {
      this.fsync = force;
      return this;
    }

    /** Opens (or creates, with its directories) the file for appending. */
    public JsonLinesAuditSink build() throws IOException {
      return new JsonLinesAuditSink(this);
    }
  }
}
