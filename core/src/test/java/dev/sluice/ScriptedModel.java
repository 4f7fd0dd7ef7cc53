package dev.sluice;

import dev.sluice.outcome.ModelCallException;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelClient;
import dev.sluice.model.TokenUsage;
import dev.sluice.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** A model that plays a script of answers and failures, each after a delay on a time source, and notes when each call started. */
public final class ScriptedModel implements ModelClient {

  /** One step of the script. */
  public record Step(Duration delay, Supplier<ChatResponse> answer, boolean hang) {}

  private final TimeSource time;
  private final List<Step> script;
  private final Step repeat;
  public final List<Instant> starts = new CopyOnWriteArrayList<>();
  public final List<CompletableFuture<ChatResponse>> inFlight = new CopyOnWriteArrayList<>();

  public ScriptedModel(TimeSource time, List<Step> script, Step repeat) {
    this.time = time;
    this.script = new ArrayList<>(script);
    this.repeat = repeat;
  }

  public static Step ok(Duration delay, String text) {
    return new Step(delay, () -> ChatResponse.of(text, TokenUsage.of(10, 5), "scripted", "gpt-4o-mini"), false);
  }

  /** Answers with this usage; keep {@code in} at or below the request's real input tokens. */
  public static Step okUsing(Duration delay, String text, long in, long out) {
    return new Step(delay, () -> ChatResponse.of(text, TokenUsage.of(in, out), "scripted", "gpt-4o"), false);
  }

  public static Step text(Duration delay, String text, FinishReason finish) {
    return new Step(delay, () -> new ChatResponse(text, finish, TokenUsage.of(10, 5), "scripted", "gpt-4o-mini", List.of()), false);
  }

  public static Step fail(Duration delay, int status) {
    return fail(delay, status, null);
  }

  public static Step fail(Duration delay, int status, Duration retryAfter) {
    return new Step(delay, () -> {
      throw new ModelCallException(ModelCallException.kindOfStatus(status), status, "scripted HTTP " + status, retryAfter, null);
    }, false);
  }

  public static Step failWith(Duration delay, ModelCallException e) {
    return new Step(delay, () -> {
      throw e;
    }, false);
  }

  public static Step hang() {
    return new Step(Duration.ZERO, null, true);
  }

  public int calls() {
    return starts.size();
  }

  @Override
  public String provider() {
    return "scripted";
  }

  @Override
  public synchronized CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
    Step step = starts.size() < script.size() ? script.get(starts.size()) : repeat;
    starts.add(time.now());
    CompletableFuture<ChatResponse> f = new CompletableFuture<>();
    inFlight.add(f);
    if (step.hang()) {
      return f;
    }
    Runnable answer = () -> {
      try {
        f.complete(step.answer().get());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    };
    if (step.delay().isZero()) {
      answer.run();
    } else {
      var s = time.schedule(step.delay(), answer);
      f.whenComplete((r, e) -> s.cancel());
    }
    return f;
  }
}
