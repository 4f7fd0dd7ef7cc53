package dev.sluice.judge;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The recent judged calls by id, so that feedback arriving later (a thumbs-up, a task's success, a
 * grader's score) joins the call's route, stage, arm and subject group. Bounded in entries (the
 * oldest is forgotten first) and in age by the calls' own clock. Thread-safe.
 */
final class FeedbackBook {

  /** Where a call's feedback goes. */
  record Called(String route, String window, boolean candidate, int subjectGroup, Instant at) {}

  private final int capacity;
  private final Duration window;
  private final LinkedHashMap<String, Called> calls;
  private Instant latest = Instant.MIN;

  FeedbackBook(int capacity, Duration window) {
    this.capacity = capacity;
    this.window = window;
    this.calls = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Called> eldest) {
        return size() > FeedbackBook.this.capacity;
      }
    };
  }

  synchronized void put(String callId, Called called) {
    if (callId.isEmpty()) {
      return;
    }
    calls.put(callId, called);
    if (called.at().isAfter(latest)) {
      latest = called.at();
    }
  }

  /** The call, or null when it is unknown, forgotten, or older than the window. */
  synchronized @Nullable Called get(String callId) {
    Called c = calls.get(callId);
    return c == null || c.at().isBefore(latest.minus(window)) ? null : c;
  }
}
