package dev.sluice.release;

import java.util.ArrayList;
import java.util.List;

/**
 * The log of release changes (publish, promote, roll back, roll back to) that every instance
 * applies in the same order, so a fleet serves the same releases. Entries are single lines of JSON
 * written by Sluice. In memory by default; {@code sluice-redis} keeps it on Redis for a fleet and
 * tells each instance when it grows.
 */
public interface ReleaseStore {

  /** The largest entry, in characters. */
  int MAX_ENTRY_CHARS = 1 << 20;

  /** Appends an entry; its index (0 for the first). */
  long append(String entry);

  /** Up to {@code max} entries from index {@code from}, oldest first; empty when there are none. */
  List<String> read(long from, int max);

  /** Whether other instances append to it too: they are then followed on notices and on a schedule. */
  default boolean shared() {
    return false;
  }

  /** Calls {@code changed} when another instance appends; closing stops it. */
  default AutoCloseable watch(Runnable changed) {
    return () -> { };
  }

  /** A log in this process's memory. */
  static ReleaseStore inMemory() {
    return new ReleaseStore() {
      private final List<String> entries = new ArrayList<>();

      @Override
      public synchronized long append(String entry) {
        if (entry.length() > MAX_ENTRY_CHARS) {
          throw new IllegalArgumentException("a release log entry has at most " + MAX_ENTRY_CHARS + " characters; this one has "
              + entry.length());
        }
        entries.add(entry);
        return entries.size() - 1;
      }

      @Override
      public synchronized List<String> read(long from, int max) {
        int start = (int) Math.min(from, entries.size());
        return List.copyOf(entries.subList(start, Math.min(entries.size(), start + max)));
      }
    };
  }
}
