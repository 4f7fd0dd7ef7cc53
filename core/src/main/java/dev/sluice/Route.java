package dev.sluice;

import dev.sluice.resilience.VariantResilience;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import java.time.Instant;
import dev.sluice.model.ChatRequest;
import dev.sluice.internal.CallState;
import dev.sluice.pipeline.CallContext;
import dev.sluice.release.Variant;
import dev.sluice.outcome.InvalidConfigurationException;
import java.util.Objects;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.guardrail.Guardrails;
import dev.sluice.internal.Checks;
import dev.sluice.rollout.RolloutPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A named LLM call site of the application (e.g. {@code support-answer}) with its variants: one
 * baseline and, during a rollout, a candidate.
 *
 * <pre>{@code
 * Route route = Route.builder("support-answer")
 *     .baseline(v1)
 *     .candidate(v2)
 *     .build();
 * }</pre>
 */
public final class Route {

  private final String name;
  private final Map<String, Variant> variants;
  private final String baselineId;
  private final @Nullable String candidateId;
  private final ResiliencePolicy resilience;
  private final Map<String, VariantResilience> variantResilience;
  private final BudgetPolicy budget;
  private final @Nullable RolloutPlan rollout;
  private final @Nullable RolloutPlan releasePlan;
  private final dev.sluice.rollout.@Nullable GoldenSet goldenSet;
  private final List<FallbackLink> fallback;
  private final Guardrails guardrails;
  private final int maxInputChars;
  private final int streamHoldBackChars;

  /**
   * The default {@linkplain Builder#maxInputChars maximum input size}: 1 MiB of characters, about
   * 250,000 tokens, more than any model's context window today.
   */
  public static final int DEFAULT_MAX_INPUT_CHARS = 1 << 20;

  private Route(Builder b) {
    this.name = Checks.id("route.name", b.name);
    String field = "route[" + name + "]";
    if (b.variants.isEmpty()) {
      throw new InvalidConfigurationException(field + ".variants", "a route needs at least a baseline variant");
    }
    Map<String, Variant> byId = new LinkedHashMap<>();
    for (Variant v : b.variants) {
      if (byId.put(v.id(), v) != null) {
        throw new InvalidConfigurationException(field + ".variants", "variant id '" + v.id() + "' appears twice; ids must be unique");
      }
    }
    this.variants = Collections.unmodifiableMap(byId);
    this.baselineId = Checks.present(field + ".baseline", b.baselineId, "the id of one of the route's variants " + byId.keySet());
    if (!byId.containsKey(baselineId)) {
      throw new InvalidConfigurationException(field + ".baseline", baselineId, "one of the route's variants " + byId.keySet());
    }
    this.candidateId = b.candidateId;
    if (candidateId != null) {
      if (!byId.containsKey(candidateId)) {
        throw new InvalidConfigurationException(field + ".candidate", candidateId, "one of the route's variants " + byId.keySet());
      }
      if (candidateId.equals(baselineId)) {
        throw new InvalidConfigurationException(field + ".candidate", candidateId, "a variant other than the baseline '" + baselineId + "'");
      }
    }
    this.resilience = b.resilience;
    for (String id : b.variantResilience.keySet()) {
      if (!byId.containsKey(id)) {
        throw new InvalidConfigurationException(field + ".resilience[" + id + "]", id, "one of the route's variants " + byId.keySet());
      }
    }
    this.variantResilience = Map.copyOf(b.variantResilience);
    this.budget = b.budget;
    this.rollout = b.rollout;
    this.releasePlan = b.releasePlan;
    this.goldenSet = b.goldenSet;
    if (releasePlan != null && !releasePlan.route().equals(name)) {
      throw new InvalidConfigurationException(field + ".release_plan.route", releasePlan.route(), "'" + name + "', the route it is attached to");
    }
    this.fallback = List.copyOf(b.fallback);
    this.guardrails = b.guardrails;
    this.maxInputChars = b.maxInputChars;
    this.streamHoldBackChars = b.streamHoldBackChars;
    if (rollout != null) {
      if (!rollout.route().equals(name)) {
        throw new InvalidConfigurationException(field + ".rollout.route", rollout.route(), "'" + name + "', the route it is attached to");
      }
      if (!byId.containsKey(rollout.candidate()) || rollout.candidate().equals(baselineId)) {
        throw new InvalidConfigurationException(field + ".rollout.candidate", rollout.candidate(),
            "a variant of the route other than the baseline: " + byId.keySet());
      }
      if (candidateId != null && !candidateId.equals(rollout.candidate())) {
        throw new InvalidConfigurationException(field + ".rollout.candidate", rollout.candidate(), "the route's candidate '" + candidateId + "'");
      }
    }
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  public Variant baseline() {
    return Objects.requireNonNull(variants.get(baselineId), "baseline");
  }

  /** The candidate: the one set with {@link Builder#candidate}, else the rollout plan's. */
  public Optional<Variant> candidate() {
    String id = candidateId != null ? candidateId : rollout != null ? rollout.candidate() : null;
    return id == null ? Optional.empty() : Optional.of(Objects.requireNonNull(variants.get(id), "candidate"));
  }

  /** The route's input and output guardrails. */
  public Guardrails guardrails() {
    return guardrails;
  }

  /** The fallback chain, in order; empty if the route has none. */
  public List<FallbackLink> fallback() {
    return fallback;
  }

  /** The rollout plan that moves the candidate to full traffic, if any. */
  public Optional<RolloutPlan> rollout() {
    return Optional.ofNullable(rollout);
  }

  /**
   * The plan a release published at runtime rolls out under ({@link Releases}): the one set with
   * {@link Builder#releasePlan}, else the route's rollout plan; its candidate and salt are the
   * release's.
   */
  public Optional<RolloutPlan> releasePlan() {
    return Optional.ofNullable(releasePlan != null ? releasePlan : rollout);
  }

  /** The golden set Sluice gates each published release on, if the route has one (see {@link dev.sluice.rollout.GoldenSet}). */
  public Optional<dev.sluice.rollout.GoldenSet> goldenSet() {
    return Optional.ofNullable(goldenSet);
  }

  /**
   * This route serving {@code baseline}, with {@code candidate} under {@code plan} (or no rollout
   * when both are null): every other setting kept, and every variant it had kept too (a fallback
   * or a pin may name an earlier release).
   */
  Route withReleases(Variant baseline, @Nullable Variant candidate, @Nullable RolloutPlan plan) {
    Builder b = new Builder(name);
    b.baseline(baseline);
    if (candidate != null) {
      b.candidate(candidate);
    }
    for (Variant v : variants.values()) {
      if (!v.id().equals(baseline.id()) && (candidate == null || !v.id().equals(candidate.id()))) {
        b.variant(v);
      }
    }
    b.resilience = resilience;
    b.variantResilience.putAll(variantResilience);
    b.budget = budget;
    b.rollout = plan;
    b.releasePlan = releasePlan != null ? releasePlan : rollout;
    b.goldenSet = goldenSet;
    b.fallback.addAll(fallback);
    b.guardrails = guardrails;
    b.maxInputChars = maxInputChars;
    b.streamHoldBackChars = streamHoldBackChars;
    return b.build();
  }

  /** Every variant by id, baseline first, in the order they were added. */
  public Map<String, Variant> variants() {
    return variants;
  }

  /** The variant with this id. */
  public Variant variant(String id) {
    Variant v = variants.get(id);
    if (v == null) {
      throw new IllegalArgumentException("route '" + name + "' has no variant '" + id + "'; it has " + variants.keySet());
    }
    return v;
  }

  /** The route's resilience policy: deadline and retries for the call, the rest per variant unless overridden. */
  public ResiliencePolicy resilience() {
    return resilience;
  }

  /** One variant's timeout, breaker, bulkhead, rate limit and output validation: its override, or the route's. */
  public VariantResilience resilience(Variant variant) {
    VariantResilience own = variantResilience.get(variant.id());
    return own != null ? own : resilience.variants();
  }

  /**
   * A call on this route outside any pipeline, for checking a guardrail or a fallback link on its
   * own (tests, offline evaluation): assigned to the baseline, with no attempt and no deadline.
   */
  public CallContext detachedCall(ChatRequest request, Subject subject) {
    CallState call = new CallState("detached", this, request, subject, Instant.EPOCH, 0);
    call.variant(baseline());
    return call;
  }

  /**
   * The most characters a call's input may have: every message's text plus the tool and response
   * format schemas. Checked first, before any guardrail, token count or model call; a larger input
   * is rejected ({@link dev.sluice.outcome.CallRejectedException}, reason {@code input_too_large}).
   */
  public int maxInputChars() {
    return maxInputChars;
  }

  /**
   * On a streamed call, how many characters of an attempt's answer are held back before the first
   * chunk goes to the caller; default 0 (each chunk goes out as it comes). Until then a failure
   * can still be retried or fall back as a whole call's can; holding back more keeps that possible
   * for longer at the price of a later first chunk. An answer shorter than this is delivered when
   * it is complete.
   */
  public int streamHoldBackChars() {
    return streamHoldBackChars;
  }

  /** The route's budget caps; {@link BudgetPolicy#NONE} if it has none. */
  public BudgetPolicy budget() {
    return budget;
  }

  @Override
  public String toString() {
    return "Route[" + name + ", baseline=" + baselineId + ", candidate=" + candidateId + ", variants=" + variants.keySet() + "]";
  }

  /** Builds a {@link Route}; {@link #build()} checks that ids are unique and that baseline and candidate exist. */
  public static final class Builder {
    private final String name;
    private final List<Variant> variants = new ArrayList<>();
    private @Nullable String baselineId;
    private @Nullable String candidateId;
    private ResiliencePolicy resilience = ResiliencePolicy.DEFAULTS;
    private final Map<String, VariantResilience> variantResilience = new LinkedHashMap<>();
    private BudgetPolicy budget = BudgetPolicy.NONE;
    private @Nullable RolloutPlan rollout;
    private @Nullable RolloutPlan releasePlan;
    private dev.sluice.rollout.@Nullable GoldenSet goldenSet;
    private final List<FallbackLink> fallback = new ArrayList<>();
    private Guardrails guardrails = Guardrails.NONE;
    private int maxInputChars = DEFAULT_MAX_INPUT_CHARS;
    private int streamHoldBackChars;

    private Builder(String name) {
      this.name = name;
    }

    /** Adds the variant and makes it the baseline. */
    public Builder baseline(Variant variant) {
      variants.add(0, variant);
      this.baselineId = variant.id();
      return this;
    }

    /** Adds the variant and makes it the candidate. */
    public Builder candidate(Variant variant) {
      variants.add(variant);
      this.candidateId = variant.id();
      return this;
    }

    /** Adds a variant that is neither baseline nor candidate (a backup for fallbacks, a downgrade). */
    public Builder variant(Variant variant) {
      variants.add(variant);
      return this;
    }

    /** Deadline, retries, and the default breaker, bulkhead, timeout and rate limit of every variant. */
    public Builder resilience(ResiliencePolicy policy) {
      this.resilience = java.util.Objects.requireNonNull(policy, "resilience");
      return this;
    }

    /**
     * A variant's own attempt timeout, breaker, bulkhead, rate limit and output validation, in place
     * of the route's {@link ResiliencePolicy#variants()}. The deadline and retries are the call's,
     * so they stay the route's.
     */
    public Builder resilience(String variantId, VariantResilience policies) {
      variantResilience.put(variantId, java.util.Objects.requireNonNull(policies, "resilience"));
      return this;
    }

    /** Budget caps for the route's calls. */
    public Builder budget(BudgetPolicy policy) {
      this.budget = java.util.Objects.requireNonNull(policy, "budget");
      return this;
    }

    /** Input and output guardrails for the route's calls. */
    public Builder guardrails(Guardrails guardrails) {
      this.guardrails = java.util.Objects.requireNonNull(guardrails, "guardrails");
      return this;
    }

    /** Appends links to the fallback chain; they run in the order given. */
    public Builder fallback(FallbackLink... links) {
      for (FallbackLink l : links) {
        fallback.add(java.util.Objects.requireNonNull(l, "fallback link"));
      }
      return this;
    }

    /**
     * The most characters a call's input may have (messages, tool and response schemas); default
     * {@link #DEFAULT_MAX_INPUT_CHARS}. Every guardrail and the token counter take time in
     * proportion to the input, so this bounds the time a call spends before its model call.
     */
    public Builder maxInputChars(int chars) {
      if (chars < 1) {
        throw new InvalidConfigurationException("route[" + name + "].maxInputChars", String.valueOf(chars), "a positive number of characters");
      }
      this.maxInputChars = chars;
      return this;
    }

    /** See {@link Route#streamHoldBackChars()}: 0 (default) to 1 MiB characters. */
    public Builder streamHoldBackChars(int chars) {
      if (chars < 0 || chars > 1 << 20) {
        throw new InvalidConfigurationException("route[" + name + "].streamHoldBackChars", String.valueOf(chars),
            "0 to 1048576 characters");
      }
      this.streamHoldBackChars = chars;
      return this;
    }

    /** The staged rollout of the route's candidate. */
    public Builder rollout(RolloutPlan plan) {
      this.rollout = java.util.Objects.requireNonNull(plan, "rollout");
      return this;
    }

    /**
     * The plan releases published at runtime roll out under, when it is not the route's rollout
     * plan (a route serving only its baseline has none): its stages, margins, rules and note; its
     * candidate is ignored, each release's id and salt take its place.
     */
    public Builder releasePlan(RolloutPlan plan) {
      this.releasePlan = java.util.Objects.requireNonNull(plan, "releasePlan");
      return this;
    }

    /**
     * The golden set a release published at runtime is gated on, when its plan begins with the
     * offline gate: Sluice runs the gate and records the report (a failure rolls the release back).
     */
    public Builder goldenSet(dev.sluice.rollout.GoldenSet set) {
      this.goldenSet = java.util.Objects.requireNonNull(set, "goldenSet");
      return this;
    }

    public Route build() {
      return new Route(this);
    }
  }
}
