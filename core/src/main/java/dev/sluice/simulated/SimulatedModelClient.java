package dev.sluice.simulated;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.ModelClient;
import dev.sluice.model.TokenUsage;
import dev.sluice.time.TimeSource;
import dev.sluice.tokens.TokenCounter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import dev.sluice.model.ChatChunk;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A model with no network: answers after a log-normal latency, fails with a configured mix of
 * HTTP errors, hangs and bad output, reports a log-normal number of output tokens, and writes fixed
 * text, a template or JSON. The n-th call's behaviour depends only on the seed and n, so a
 * single-threaded run is reproducible to the token; it counts input tokens as a provider would
 * ({@link TokenCounter}); latency is waited on the {@link TimeSource},
 * so under a {@link dev.sluice.time.ManualTimeSource} a day of traffic takes no real time.
 *
 * <pre>{@code
 * SimulatedModelClient model = SimulatedModelClient.builder()
 *     .seed(42)
 *     .latency(Duration.ofMillis(400), Duration.ofMillis(2500))
 *     .failure(SimulatedFailure.UNAVAILABLE, 0.01)
 *     .failure(SimulatedFailure.RATE_LIMITED, 0.005)
 *     .outputTokens(120, 600)
 *     .template("Thanks for asking about: {{last_user}}")
 *     .build();
 * }</pre>
 */
public final class SimulatedModelClient implements ModelClient {

  private final long seed;
  private final String provider;
  private final @Nullable String responseModel;
  private final @Nullable LogNormal latency;
  private final Map<SimulatedFailure, Double> failures;
  private final double failureTotal;
  private final Duration retryAfter;
  private final LogNormal outputTokens;
  private final Function<ChatRequest, String> output;
  private final TimeSource time;
  private final AtomicLong calls = new AtomicLong();
  private final double firstChunkShare;

  private SimulatedModelClient(Builder b) {
    this.seed = b.seed;
    this.provider = b.provider;
    this.responseModel = b.responseModel;
    this.latency = b.latency;
    this.failures = Map.copyOf(b.failures);
    this.failureTotal = b.failures.values().stream().mapToDouble(Double::doubleValue).sum();
    if (failureTotal > 1 + 1e-9) {
      throw new InvalidConfigurationException("failures", failureTotal, "rates that add up to at most 1");
    }
    this.retryAfter = b.retryAfter;
    this.outputTokens = b.outputTokens;
    this.output = b.output;
    this.time = b.time;
    this.firstChunkShare = b.firstChunkShare;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String provider() {
    return provider;
  }

  /** How many calls this client has received. */
  public long calls() {
    return calls.get();
  }

  /** What the n-th call (counting from 0) does: its latency, failure and output tokens. */
  public Behaviour behaviour(long n) {
    SplittableRandom r = new SplittableRandom(seed ^ (n * 0x9E3779B97F4A7C15L));
    Duration wait = latency == null ? Duration.ZERO : Duration.ofNanos(Math.round(latency.sample(r) * 1e6));
    SimulatedFailure failure = null;
    double u = r.nextDouble();
    double acc = 0;
    for (SimulatedFailure f : SimulatedFailure.values()) {
      Double rate = failures.get(f);
      if (rate != null) {
        acc += rate;
        if (u < acc) {
          failure = f;
          break;
        }
      }
    }
    long tokens = Math.max(1, Math.round(outputTokens.sample(r)));
    return new Behaviour(wait, failure, tokens);
  }

  @Override
  public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
    Behaviour b = behaviour(calls.getAndIncrement());
    CompletableFuture<ChatResponse> answer = new CompletableFuture<>();
    if (b.failure() == SimulatedFailure.HANG || b.failure() == SimulatedFailure.STREAM_STALL) {
      return answer; // completes only when cancelled
    }
    Runnable respond = () -> {
      try {
        answer.complete(respond(request, b));
      } catch (RuntimeException e) {
        answer.completeExceptionally(e);
      }
    };
    if (b.latency().isZero()) {
      respond.run();
    } else {
      var scheduled = time.schedule(b.latency(), respond);
      answer.whenComplete((r, e) -> scheduled.cancel());
    }
    return answer;
  }

  /**
   * Streams the answer: the text in word-sized chunks, then a chunk with the finish reason and the
   * usage. The call's latency is split: a quarter (by default, {@link Builder#firstChunkShare}) to
   * the first chunk, the rest spread evenly over the others, so a stream ends when the whole answer
   * would have. HTTP failures fail the stream before its first chunk; {@link
   * SimulatedFailure#STREAM_CUT} and {@link SimulatedFailure#STREAM_STALL} break it halfway.
   * Chunks wait for demand: a slow subscriber delays them.
   */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return subscriber -> new SimulatedStream(this, request, behaviour(calls.getAndIncrement()), subscriber, time, firstChunkShare).start();
  }

  ChatResponse respond(ChatRequest request, Behaviour b) {
    if (b.failure() != null) {
      switch (b.failure()) {
        case STREAM_CUT -> throw new ModelCallException(ModelCallException.Kind.CONNECTION, 0,
            "simulated broken connection to " + provider, null, null);
        case SERVER_ERROR -> throw new ModelCallException(ModelCallException.Kind.SERVER_ERROR, 500,
            "simulated HTTP 500 from " + provider, null, null);
        case UNAVAILABLE -> throw new ModelCallException(ModelCallException.Kind.SERVER_ERROR, 503,
            "simulated HTTP 503 from " + provider, null, null);
        case RATE_LIMITED -> throw new ModelCallException(ModelCallException.Kind.RATE_LIMITED, 429,
            "simulated HTTP 429 from " + provider + ", retry after " + retryAfter.toMillis() + " ms", retryAfter, null);
        default -> { }
      }
    }
    String model = responseModel != null ? responseModel : Objects.requireNonNullElse(request.model(), "simulated");
    long input = TokenCounter.shared().countInput(model, request.messages());
    Integer max = request.parameters().maxOutputTokens();
    long out = b.outputTokens();
    FinishReason finish = FinishReason.STOP;
    String text = output.apply(request);
    if (max != null && out > max) {
      out = max;
      finish = FinishReason.LENGTH;
      text = text.substring(0, Math.max(0, text.length() / 2));
    }
    if (b.failure() == SimulatedFailure.MALFORMED_OUTPUT) {
      text = text.substring(0, text.length() / 2);
    } else if (b.failure() == SimulatedFailure.EMPTY_OUTPUT) {
      text = "";
      out = 0;
    }
    return new ChatResponse(text, finish, TokenUsage.of(input, out), provider, model, List.of());
  }

  /** What one simulated call does. */
  public record Behaviour(Duration latency, @Nullable SimulatedFailure failure, long outputTokens) {}

  /** Builds a {@link SimulatedModelClient}. */
  public static final class Builder {
    private long seed = 1;
    private String provider = "simulated";
    private @Nullable String responseModel;
    private @Nullable LogNormal latency;
    private final Map<SimulatedFailure, Double> failures = new EnumMap<>(SimulatedFailure.class);
    private Duration retryAfter = Duration.ofSeconds(1);
    private LogNormal outputTokens = new LogNormal(80, 300);
    private Function<ChatRequest, String> output = r -> "This is a simulated answer.";
    private TimeSource time = TimeSource.system();
    private double firstChunkShare = 0.25;

    private Builder() {}

    /**
     * The share of a streamed call's latency spent before its first chunk, from 0 to 1; default
     * 0.25. The rest is spread evenly over the other chunks.
     */
    public Builder firstChunkShare(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new InvalidConfigurationException("firstChunkShare", share, "a share from 0 to 1");
      }
      this.firstChunkShare = share;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The {@code gen_ai.provider.name} it reports; default {@code simulated}. */
    public Builder provider(String provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** The model it says answered; default the request's model. */
    public Builder responseModel(String model) {
      this.responseModel = model;
      return this;
    }

    /** Log-normal latency with this median and 99th percentile; default none (answers at once). */
    public Builder latency(Duration median, Duration p99) {
      this.latency = new LogNormal(median.toNanos() / 1e6, p99.toNanos() / 1e6);
      return this;
    }

    /** Answers at once. */
    public Builder noLatency() {
      this.latency = null;
      return this;
    }

    /** The share of calls, 0 to 1, that fail this way. Shares of all kinds add up to at most 1. */
    public Builder failure(SimulatedFailure kind, double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new InvalidConfigurationException("failure." + kind.name().toLowerCase(java.util.Locale.ROOT), rate, "a rate from 0 to 1");
      }
      failures.put(kind, rate);
      return this;
    }

    /** The Retry-After a rate-limited answer carries; default 1 s. */
    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
      return this;
    }

    /** Log-normal output token count; default median 80, p99 300. Clipped at the request's max output tokens. */
    public Builder outputTokens(double median, double p99) {
      this.outputTokens = new LogNormal(median, p99);
      return this;
    }

    /** Always answers this text. */
    public Builder text(String text) {
      Objects.requireNonNull(text, "text");
      this.output = r -> text;
      return this;
    }

    /** Answers this JSON text (the same as {@link #text}, named for intent). */
    public Builder json(String json) {
      return text(json);
    }

    /** Answers the template with {@code {{last_user}}} and {@code {{model}}} filled in. */
    public Builder template(String template) {
      Objects.requireNonNull(template, "template");
      this.output = r -> template.replace("{{last_user}}", r.lastUserText())
          .replace("{{model}}", Objects.requireNonNullElse(r.model(), ""));
      return this;
    }

    /** Answers whatever the function makes of the request. */
    public Builder responder(Function<ChatRequest, String> responder) {
      this.output = Objects.requireNonNull(responder, "responder");
      return this;
    }

    /** The time its latency is waited on; default {@link TimeSource#system()}. */
    public Builder timeSource(TimeSource time) {
      this.time = Objects.requireNonNull(time, "timeSource");
      return this;
    }

    public SimulatedModelClient build() {
      return new SimulatedModelClient(this);
    }
  }
}
