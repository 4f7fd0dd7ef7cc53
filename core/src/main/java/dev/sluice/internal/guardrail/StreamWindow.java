package dev.sluice.internal.guardrail;

import dev.sluice.Route;
import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.internal.CallState;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.TokenUsage;
import dev.sluice.outcome.GuardrailBlockedException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One streamed attempt's text on its way through the output guardrails that check partial text
 * ({@link OutputGuardrail#checksPartialText()}). Text is held back until at least two windows of
 * it wait, then released a piece at a time: the piece ends at white space at least one window
 * before the end of what waits (so a word, a secret or a placeholder is not cut), and is checked
 * on its own and together with the last window of released text (so a secret split over two
 * pieces is seen whole). A block throws; a rewrite changes the piece. Each guardrail's result is
 * counted once per attempt: its first non-pass result, or a pass when the attempt's text is all
 * through.
 */
public final class StreamWindow {

  /** Makes a route's windows; null when no output guardrail of the route checks partial text. */
  public static @Nullable Factory factory(Route route, MeterRegistry meters) {
    List<OutputGuardrail> partial = route.guardrails().output().stream().filter(OutputGuardrail::checksPartialText).toList();
    if (partial.isEmpty()) {
      return null;
    }
    GuardrailRecorder recorder = new GuardrailRecorder(route.name(), meters);
    int window = route.guardrails().streamWindowChars();
    return call -> new StreamWindow(partial, window, recorder, call);
  }

  /** Makes one attempt's window. */
  @FunctionalInterface
  public interface Factory {
    StreamWindow open(CallState call);
  }

  private final List<OutputGuardrail> guardrails;
  private final int window;
  private final GuardrailRecorder recorder;
  private final CallState call;
  private final StringBuilder waiting = new StringBuilder();
  private String releasedTail = "";
  private final boolean[] flagged;

  private StreamWindow(List<OutputGuardrail> guardrails, int window, GuardrailRecorder recorder, CallState call) {
    this.guardrails = guardrails;
    this.window = window;
    this.recorder = recorder;
    this.call = call;
    this.flagged = new boolean[guardrails.size()];
  }

  /** Adds text; returns the text now checked and released ("" while it waits). */
  public String add(String text) {
    waiting.append(text);
    if (waiting.length() < 2 * window) {
      return "";
    }
    int cut = waiting.length() - window;
    int space = cut;
    while (space > 0 && !Character.isWhitespace(waiting.charAt(space - 1))) {
      space--;
    }
    // No white space in the last stretch: cut where the window starts anyway (the overlap check still sees across).
    if (space > window / 2) {
      cut = space;
    }
    String piece = waiting.substring(0, cut);
    waiting.delete(0, cut);
    return release(piece);
  }

  /** The end of the attempt's text: everything that waits, checked, and a pass counted for each guardrail that never flagged. */
  public String finish() {
    String piece = waiting.toString();
    waiting.setLength(0);
    String out = piece.isEmpty() ? "" : release(piece);
    for (int i = 0; i < guardrails.size(); i++) {
      if (!flagged[i]) {
        recorder.record(call, "output", guardrails.get(i).name(), GuardrailResult.pass());
      }
    }
    return out;
  }

  private String release(String piece) {
    String current = piece;
    for (int i = 0; i < guardrails.size(); i++) {
      OutputGuardrail g = guardrails.get(i);
      current = checked(i, g, current);
      if (!releasedTail.isEmpty()) {
        // Across the boundary: only a block counts here (what was released cannot be rewritten).
        GuardrailResult across = g.check(partial(releasedTail + current), call);
        if (across.kind() == GuardrailResult.Kind.BLOCK || across.kind() == GuardrailResult.Kind.REPROMPT) {
          note(i, g, across);
          throw new GuardrailBlockedException(g.name(), across.reason());
        }
      }
    }
    releasedTail = tail(releasedTail + current);
    return current;
  }

  /**
   * The last window of released text, starting after white space: a tail that began inside a word
   * would show the end of an address or a key as if it were another one.
   */
  private String tail(String joined) {
    if (joined.length() <= window) {
      return joined;
    }
    int start = joined.length() - window;
    int from = start;
    while (from < joined.length() && !Character.isWhitespace(joined.charAt(from - 1))) {
      from++;
    }
    // No white space at all (a long token): keep the whole window, so what spans the cut is still seen.
    return joined.substring(from == joined.length() ? start : from);
  }

  private String checked(int i, OutputGuardrail g, String text) {
    GuardrailResult r = g.check(partial(text), call);
    switch (r.kind()) {
      case REWRITE -> {
        note(i, g, r);
        return Objects.requireNonNull(r.text(), "rewrite text");
      }
      case BLOCK -> {
        note(i, g, r);
        throw new GuardrailBlockedException(g.name(), r.reason());
      }
      case REPROMPT -> {
        note(i, g, r);
        throw new GuardrailBlockedException(g.name(), "asked for a reprompt, which a streamed answer cannot follow: " + r.reason());
      }
      default -> {
        return text;
      }
    }
  }

  private void note(int i, OutputGuardrail g, GuardrailResult r) {
    if (!flagged[i]) {
      flagged[i] = true;
      recorder.record(call, "output", g.name(), r);
    }
  }

  private ChatResponse partial(String text) {
    return new ChatResponse(text, FinishReason.OTHER, TokenUsage.UNKNOWN, "stream", "stream", List.of());
  }
}
