package dev.sluice.benchmarks;

import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceResponse;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetPeriod;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.budget.BudgetScope;
import dev.sluice.guardrail.Guardrails;
import dev.sluice.guardrails.InvisibleText;
import dev.sluice.guardrails.Pii;
import dev.sluice.guardrails.PromptInjection;
import dev.sluice.guardrails.Secrets;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.ModelClient;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.TokenUsage;
import dev.sluice.rollout.RolloutPlan;
import dev.sluice.rollout.Stage;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Sluice costs per call, against a model that answers at once: the direct call (the floor),
 * the Resilience4j stack a Java team would write by hand (breaker, retry, time limiter, bulkhead,
 * Micrometer bound), Sluice with everything a production route uses on but guardrails, and Sluice
 * with the default input guardrails on a 1 KB prompt; one and two threads each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CallOverheadBenchmark {

  static final ChatResponse ANSWER = ChatResponse.of("{\"answer\":\"Open Settings.\"}", TokenUsage.of(40, 12), "bench", "gpt-4o-mini");

  /** A model that answers at once with a completed future. */
  static final class InstantModel implements ModelClient {
    @Override
    public String provider() {
      return "bench";
    }

    @Override
    public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
      return CompletableFuture.completedFuture(ANSWER);
    }
  }

  /**
   * A model whose answer arrives after the call is set up, as a real HTTP model's does: every step
   * then takes its asynchronous path. The benchmark thread completes the answer itself, so nothing
   * but Sluice's own work is measured.
   */
  static final class LaterModel implements ModelClient {
    final ThreadLocal<CompletableFuture<ChatResponse>> pending = new ThreadLocal<>();

    @Override
    public String provider() {
      return "bench";
    }

    @Override
    public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
      CompletableFuture<ChatResponse> answer = new CompletableFuture<>();
      pending.set(answer);
      return answer;
    }
  }

  private final ModelClient model = new InstantModel();
  private final LaterModel laterModel = new LaterModel();
  private ChatRequest shortRequest;
  private ChatRequest kilobyteRequest;
  private ChatRequest largeRequest;
  private ChatRequest largeBlobRequest;
  private Supplier<ChatResponse> resilience4j;
  private Sluice sluice;
  private Sluice guarded;
  private Sluice later;
  /** 1,024 users in 8 tenants, made once: building a subject is the caller's cost, not Sluice's. */
  private final Subject[] subjects = new Subject[1024];
  /** The audit sink counts events; a LongAdder, so two benchmark threads do not contend on the count itself. */
  private final LongAdder audited = new LongAdder();

  @Setup
  public void setUp() {
    for (int u = 0; u < subjects.length; u++) {
      subjects[u] = Subject.builder().routingKey("user-" + u).tenant("t" + (u & 7)).build();
    }
    shortRequest = ChatRequest.builder().user("How do I reset my password?")
        .parameters(ModelParameters.builder().maxOutputTokens(200).build()).build();
    kilobyteRequest = ChatRequest.builder().user(kilobytePrompt()).parameters(ModelParameters.builder().maxOutputTokens(200).build()).build();
    largeRequest = ChatRequest.builder().user(kilobytePrompt().repeat(64)).parameters(ModelParameters.builder().maxOutputTokens(200).build()).build();
    // A tokenizer's worst case: one long run without spaces (base64-like), which BPE merges slowly.
    largeBlobRequest = ChatRequest.builder().user(GuardrailBenchmark.ofSize("QWxhZGRpbjpvcGVuIHNlc2FtZQ", 64 * 1024))
        .parameters(ModelParameters.builder().maxOutputTokens(200).build()).build();

    SimpleMeterRegistry r4jMeters = new SimpleMeterRegistry();
    CircuitBreakerRegistry cbs = CircuitBreakerRegistry.ofDefaults();
    RetryRegistry retries = RetryRegistry.ofDefaults();
    BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
    TimeLimiterRegistry limiters = TimeLimiterRegistry.ofDefaults();
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(cbs).bindTo(r4jMeters);
    TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(r4jMeters);
    TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(r4jMeters);
    TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(limiters).bindTo(r4jMeters);
    CircuitBreaker cb = cbs.circuitBreaker("llm");
    Retry retry = retries.retry("llm");
    Bulkhead bulkhead = bulkheads.bulkhead("llm");
    TimeLimiter limiter = limiters.timeLimiter("llm");
    Supplier<Future<ChatResponse>> call = () -> model.chatAsync(shortRequest).toCompletableFuture();
    Supplier<ChatResponse> limited = () -> {
      try {
        return limiter.decorateFutureSupplier(call).call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    resilience4j = Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(cb, Bulkhead.decorateSupplier(bulkhead, limited)));

    sluice = sluice(Guardrails.NONE);
    later = sluice(Guardrails.NONE, laterModel);
    guarded = sluice(Guardrails.builder()
        .input(new InvisibleText(), Pii.redacting(), Secrets.redacting(), new PromptInjection()).build());
  }

  private Sluice sluice(Guardrails guardrails) {
    return sluice(guardrails, model);
  }

  private Sluice sluice(Guardrails guardrails, ModelClient model) {
    Variant v1 = Variant.builder("v1").client(model).model("gpt-4o-mini")
        .labels(VersionLabels.builder().modelVersion("gpt-4o-mini-2024-07-18").promptVersion("p7").build()).build();
    Variant v2 = Variant.builder("v2").client(model).model("gpt-4.1-nano")
        .labels(VersionLabels.builder().modelVersion("gpt-4.1-nano-2025-04-14").promptVersion("p8").build()).build();
    return Sluice.builder()
        .route(Route.builder("support").baseline(v1).variant(v2)
            .rollout(RolloutPlan.builder("support", "v2").stage(Stage.percent(50).minCalls(Long.MAX_VALUE)).stage(Stage.full()).build())
            .resilience(ResiliencePolicy.DEFAULTS)
            .budget(BudgetPolicy.builder()
                .cap(BudgetCap.usd(BudgetScope.GLOBAL, BudgetPeriod.DAY, "1000000"))
                .cap(BudgetCap.usd(BudgetScope.TENANT, BudgetPeriod.DAY, "1000000")).build())
            .guardrails(guardrails)
            .build())
        .meterRegistry(new SimpleMeterRegistry())
        .auditSink(e -> audited.increment())
        .evaluateRolloutsEvery(java.time.Duration.ZERO)
        .build();
  }

  /** A 1,024-character support message with no personal data, secret or injection in it. */
  static String kilobytePrompt() {
    String kb = ("My order 1234 never arrived and the tracking page says it is still in the warehouse. "
        + "Could you check what happened and tell me when it will ship? ").repeat(8);
    return kb.substring(0, 1024);
  }

  @TearDown
  public void tearDown() {
    sluice.close();
    guarded.close();
    later.close();
  }

  private Subject subject() {
    // Per-thread randomness: a shared counter here would make the benchmark threads contend on it.
    return subjects[ThreadLocalRandom.current().nextInt(subjects.length)];
  }

  @Benchmark
  @Threads(1)
  public ChatResponse direct1() {
    return model.chatAsync(shortRequest).toCompletableFuture().join();
  }

  @Benchmark
  @Threads(2)
  public ChatResponse direct2() {
    return model.chatAsync(shortRequest).toCompletableFuture().join();
  }

  @Benchmark
  @Threads(1)
  public ChatResponse resilience4j1() {
    return resilience4j.get();
  }

  @Benchmark
  @Threads(2)
  public ChatResponse resilience4j2() {
    return resilience4j.get();
  }

  @Benchmark
  @Threads(1)
  public SluiceResponse sluice1() {
    return sluice.call("support", shortRequest, subject());
  }

  @Benchmark
  @Threads(2)
  public SluiceResponse sluice2() {
    return sluice.call("support", shortRequest, subject());
  }

  /**
   * The same pipeline with the answer arriving after the call is set up: the asynchronous path a
   * real model takes (a future and a continuation per step), where {@code sluice1} takes the
   * synchronous fast path.
   */
  @Benchmark
  @Threads(1)
  public SluiceResponse sluiceLater1() {
    CompletableFuture<SluiceResponse> call = later.callAsync("support", shortRequest, subject());
    laterModel.pending.get().complete(ANSWER);
    return call.join();
  }

  /** The same pipeline on the 1 KB prompt, without guardrails: the budget step counts its tokens with jtokkit. */
  @Benchmark
  @Threads(1)
  public SluiceResponse sluice1kb1() {
    return sluice.call("support", kilobyteRequest, subject());
  }

  /** A 64 KB prompt (the 1 KB message 64 times): the input limit, the token bound and the fingerprint each read it once. */
  @Benchmark
  @Threads(1)
  public SluiceResponse sluice64kb1() {
    return sluice.call("support", largeRequest, subject());
  }

  /** A 64 KB run without a space (base64-like): adversarial for exact token counting, not for the byte bound. */
  @Benchmark
  @Threads(1)
  public SluiceResponse sluice64kbBlob1() {
    return sluice.call("support", largeBlobRequest, subject());
  }

  @Benchmark
  @Threads(1)
  public SluiceResponse sluiceGuardrails1kb1() {
    return guarded.call("support", kilobyteRequest, subject());
  }

  @Benchmark
  @Threads(2)
  public SluiceResponse sluiceGuardrails1kb2() {
    return guarded.call("support", kilobyteRequest, subject());
  }
}
