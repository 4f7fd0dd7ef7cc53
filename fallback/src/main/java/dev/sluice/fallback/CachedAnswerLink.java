package dev.sluice.fallback;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.FallbackLink;
import dev.sluice.FallbackRequest;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.outcome.SluiceException;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ChatRequest;
import dev.sluice.release.Variant;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.FinishReason;
import dev.sluice.model.TokenUsage;
import dev.sluice.pipeline.CallContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import dev.sluice.time.TimeSource;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers with an earlier good answer to the same request. Keys are the route, the tenant, the
 * variant and its version labels, and a SHA-256 of the request as the model saw it (after input
 * guardrails redacted it; messages lower-cased with white space folded): answers are never shared
 * across tenants or routes, and a killed or rolled-back release's answers are never served to a
 * call assigned another. It stores the model's own answer (placeholders and all, never text
 * restored from one caller's PII vault), only primary answers that passed the output guardrails,
 * never a fallback's or a refusal; a hit is checked by the route's output guardrails again, which
 * restore the current caller's own placeholders. Bounded in size and time (Caffeine); hits, misses and evictions are
 * meters ({@code cache.*} with {@code cache=sluice.fallback.<name>}).
 */
public final class CachedAnswerLink implements FallbackLink {

  private final String name;
  private final Cache<String, ChatResponse> cache;
  private final Set<FallbackTrigger> triggers;

  private CachedAnswerLink(Builder b) {
    this.name = b.name;
    TimeSource time = b.time;
    this.cache = Caffeine.newBuilder().maximumSize(b.maximumSize).expireAfterWrite(b.ttl).ticker(time::nanoTime)
        .recordStats().build();
    this.triggers = b.triggers;
    CaffeineCacheMetrics.monitor(b.meters, cache, "sluice.fallback." + name);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String kind() {
    return "cache";
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<FallbackTrigger> triggers() {
    return triggers;
  }

  @Override
  public boolean replaysModelOutput() {
    return true;
  }

  @Override
  public CompletionStage<ChatResponse> answer(FallbackRequest request) {
    CallContext call = request.call();
    Variant assigned = call.assignedVariant();
    ChatResponse hit = assigned == null ? null : cache.getIfPresent(key(call, assigned));
    if (hit == null) {
      return CompletableFuture.failedFuture(new SluiceException("no cached answer for this request"));
    }
    return CompletableFuture.completedFuture(new ChatResponse(hit.text(), FinishReason.STOP, TokenUsage.ZERO, "sluice",
        "fallback:cache", hit.toolCalls()));
  }

  @Override
  public void onPrimaryAnswer(CallContext call, ChatResponse response) {
    Variant answered = call.variant();
    if (answered != null && call.fallback() == null && !response.text().isBlank() && response.finishReason() != FinishReason.REFUSAL) {
      cache.put(key(call, answered), response);
    }
  }

  /** How many answers are held. */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  static String key(CallContext call, Variant variant) {
    return call.routeName() + "|" + call.subject().tenant().orElse("") + "|" + variant.id() + "|" + hash(call.request(), variant);
  }

  static String hash(ChatRequest request, Variant variant) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(new java.util.TreeMap<>(variant.labels().asMap()).toString().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      for (ChatMessage m : request.messages()) {
        sha.update(m.role().wireName().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(m.content().strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        // A tool turn is what it answers and what it asked: ids, names and arguments exactly.
        if (m.toolCallId() != null) {
          sha.update(m.toolCallId().getBytes(StandardCharsets.UTF_8));
          sha.update((byte) 1);
        }
        for (var call : m.toolCalls()) {
          sha.update((call.id() + "\u0000" + call.name() + "\u0000" + call.argumentsJson()).getBytes(StandardCharsets.UTF_8));
          sha.update((byte) 2);
        }
      }
      for (var tool : request.tools()) {
        sha.update((tool.name() + "\u0000" + tool.parametersSchema()).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 3);
      }
      sha.update(request.responseFormat().toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Builds a {@link CachedAnswerLink}. */
  public static final class Builder {
    private String name = "cache";
    private long maximumSize = 10_000;
    private Duration ttl = Duration.ofHours(1);
    private Set<FallbackTrigger> triggers = FallbackTrigger.any();
    private MeterRegistry meters = Metrics.globalRegistry;
    private TimeSource time = TimeSource.system();

    /** The clock expiry is measured on; default the system's. */
    public Builder timeSource(TimeSource time) {
      this.time = java.util.Objects.requireNonNull(time, "timeSource");
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder maximumSize(long size) {
      if (size < 1) {
        throw new InvalidConfigurationException("fallback.cache.maximumSize", size, "at least 1");
      }
      this.maximumSize = size;
      return this;
    }

    public Builder expireAfterWrite(Duration ttl) {
      if (ttl == null || ttl.isZero() || ttl.isNegative()) {
        throw new InvalidConfigurationException("fallback.cache.expireAfterWrite", ttl, "a positive duration");
      }
      this.ttl = ttl;
      return this;
    }

    public Builder on(FallbackTrigger... triggers) {
      this.triggers = Triggers.of(triggers);
      return this;
    }

    public Builder meterRegistry(MeterRegistry meters) {
      this.meters = meters;
      return this;
    }

    public CachedAnswerLink build() {
      return new CachedAnswerLink(this);
    }
  }
}
