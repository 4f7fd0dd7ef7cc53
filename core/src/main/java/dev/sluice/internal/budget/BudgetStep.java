package dev.sluice.internal.budget;

import java.util.Objects;
import io.micrometer.core.instrument.Counter;
import java.util.HashMap;
import java.util.IdentityHashMap;
import dev.sluice.outcome.BudgetExceededException;
import dev.sluice.outcome.CallTimeoutException;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.SluiceException;
import dev.sluice.internal.Failures;
import dev.sluice.outcome.FallbackUse;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.outcome.Outcome;
import dev.sluice.Route;
import dev.sluice.release.Variant;
import dev.sluice.internal.Stages;
import dev.sluice.budget.BudgetAction;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetLedger;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.budget.BudgetScope;
import dev.sluice.budget.BudgetStanding;
import dev.sluice.budget.BudgetUnit;
import dev.sluice.budget.Reservation;
import dev.sluice.budget.ReserveResult;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.TokenUsage;
import dev.sluice.internal.StateChain;
import dev.sluice.internal.CallState;
import dev.sluice.internal.StateStep;
import dev.sluice.pricing.Cost;
import dev.sluice.pricing.ModelPrice;
import dev.sluice.pricing.PriceTable;
import dev.sluice.time.TimeSource;
import dev.sluice.tokens.TokenCounter;
import dev.sluice.internal.OwnedGauges;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per attempt: reserves the attempt's worst case at every applicable cap at once (input tokens
 * counted, every allowed output token assumed), makes the attempt only if every reservation fits,
 * and settles to the attempt's actual usage when it ends, however it ends. A full cap applies its
 * action: reject, downgrade to a cheaper variant (labelled as a fallback of kind {@code
 * downgrade}), or hand the call to the fallback chain.
 */
public final class BudgetStep implements StateStep, Stages.After<BudgetStep.Plan> {

  private static final Logger log = LoggerFactory.getLogger(BudgetStep.class);

  private final Route route;
  private final BudgetPolicy policy;
  private final List<BudgetCap> caps;
  private final BudgetLedger ledger;
  private final BudgetMeters meters;
  private final PriceTable prices;
  private final TimeSource time;
  private static final long SHORT_INPUT_BYTES = 64;
  /** Inputs above this many bytes may take a millisecond or more to count. */
  private static final long LARGE_INPUT_BYTES = 16 * 1024;
  private final TokenCounter tokens = TokenCounter.shared();
  private final Set<String> softCrossed = ConcurrentHashMap.newKeySet();
  /** Per cap (by identity: the plan holds the same instances) and per downgrade target, made with the route. */
  private final Map<BudgetCap, Counter> rejections = new IdentityHashMap<>();
  private final Map<BudgetCap, Counter> softThresholds = new IdentityHashMap<>();
  private final Map<String, Counter> downgrades = new HashMap<>();

  public BudgetStep(Route route, BudgetPolicy policy, BudgetLedger ledger, BudgetMeters meters, OwnedGauges gauges, PriceTable prices,
      TimeSource time) {
    this.route = route;
    this.policy = policy;
    // Two caps with the same id share an account; keep the first, once, rather than de-duplicating per call.
    Map<String, BudgetCap> byId = new LinkedHashMap<>();
    policy.caps().forEach(c -> byId.putIfAbsent(c.id(), c));
    this.caps = List.copyOf(byId.values());
    this.ledger = ledger;
    this.meters = meters;
    this.prices = prices;
    this.time = time;
    boolean usd = policy.caps().stream().anyMatch(c -> c.unit() == BudgetUnit.USD);
    for (Variant v : route.variants().values()) {
      if (usd && prices.price(v.model()).isEmpty()) {
        throw new InvalidConfigurationException("route[" + route.name() + "].variant[" + v.id() + "].model", v.model(),
            "a model with a price, because the route has dollar budget caps; add one with PriceTable.with(model, price)");
      }
    }
    for (BudgetCap cap : caps) {
      rejections.put(cap, meters.rejections(route.name(), cap));
      softThresholds.put(cap, meters.softThresholds(route.name(), cap));
    }
    for (BudgetCap cap : policy.caps()) {
      cap.action().downgradeTo().ifPresent(id -> {
        if (!route.variants().containsKey(id)) {
          throw new InvalidConfigurationException("route[" + route.name() + "].budget.downgradeTo", id,
              "one of the route's variants " + route.variants().keySet());
        }
        downgrades.computeIfAbsent(id, to -> meters.downgrades(route.name(), to));
      });
      if (cap.scope() == BudgetScope.GLOBAL || cap.scope() == BudgetScope.ROUTE) {
        gauges.register("sluice.budget.remaining", Tags.of("route", route.name(), "scope", cap.scope().tag(), "period", cap.period().tag(),
            "unit", cap.unit().tag()), this, s -> s.remainingFraction(cap), "Share of the cap left in the current period", null);
      }
    }
  }

  /**
   * Reserves at the input's byte-count upper bound first (cheap: no encoding); counts the input's
   * tokens exactly only when that reservation is denied or leaves a cap more than half used (where
   * the bound's slack could deny other calls), and releases the bound's reservation for the exact
   * one. A call is therefore never refused that the exact count would admit, and most calls never
   * encode their input (a 1 KB prompt spent some 30 us in the encoder).
   */
  @Override
  public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
    Variant variant = call.requireVariant();
    Plan plan = plan(call, variant, false);
    if (plan.largeInput && call.nanosLeft(time.nanoTime()) <= 0) {
      return CompletableFuture.failedFuture(preparedTooLong(call));
    }
    ReserveResult result = ledger.reserve(plan.lines);
    if (plan.estimated && (!result.isGranted() || nearCap(plan, result))) {
      if (result.isGranted()) {
        ledger.release(result.reservation());
      }
      plan = plan(call, variant, true);
      if (plan.largeInput && call.nanosLeft(time.nanoTime()) <= 0) {
        return CompletableFuture.failedFuture(preparedTooLong(call));
      }
      result = ledger.reserve(plan.lines);
    }
    if (!result.isGranted()) {
      BudgetCap cap = plan.caps[result.deniedLine()];
      Objects.requireNonNull(rejections.get(cap), "rejections").increment();
      BudgetExceededException exceeded = exceeded(call, plan, result);
      call.detail("budget", Map.of("cap", cap.id(), "action", cap.action().toString()));
      if (cap.action().kind() == BudgetAction.Kind.DOWNGRADE && call.fallback() == null) {
        Variant cheaper = route.variant(cap.action().downgradeTo().orElseThrow());
        if (!cheaper.id().equals(variant.id())) {
          Plan cheaperPlan = plan(call, cheaper, true);
          ReserveResult second = ledger.reserve(cheaperPlan.lines);
          if (second.isGranted()) {
            Objects.requireNonNull(downgrades.get(cheaper.id()), "downgrades").increment();
            call.variant(cheaper);
            call.fallback(new FallbackUse("downgrade", cheaper.id(), Outcome.BUDGET_EXCEEDED, String.valueOf(exceeded.getMessage())));
            return attempt(call, next, cheaperPlan, second);
          }
        }
      }
      return CompletableFuture.failedFuture(exceeded);
    }
    return attempt(call, next, plan, result);
  }

  private CompletionStage<ChatResponse> attempt(CallState call, StateChain next, Plan plan, ReserveResult granted) {
    Reservation reservation = granted.reservation();
    for (int i = 0; i < plan.caps.length; i++) {
      BudgetCap cap = plan.caps[i];
      meters.reserved(cap, plan.lines.get(i).amount());
      checkSoftThreshold(call, cap, plan.lines.get(i), granted.usedAfter(i));
    }
    plan.reserved(reservation, call.usage(), call.cost());
    CompletionStage<ChatResponse> attempt;
    try {
      attempt = next.proceed(call);
    } catch (RuntimeException e) {
      settle(call, plan, e);
      throw e;
    }
    return Stages.after(attempt, call, plan, 0, this);
  }

  /** The attempt settles what it reserved, whatever its outcome. */
  @Override
  public void after(CallState call, Plan plan, long unused, @Nullable ChatResponse response, @Nullable Throwable failure) {
    settle(call, plan, failure);
  }

  /**
   * Settles at what the attempt used when the provider said; at what it reserved when the provider
   * may have billed without saying: the attempt was cut by a timeout, a broken connection, an
   * answer too large or a cancellation after the request went out, or it answered with unknown
   * usage. An attempt the provider refused (an HTTP error) or that never left (breaker, bulkhead)
   * used nothing.
   */
  private void settle(CallState call, Plan plan, @Nullable Throwable failure) {
    Reservation reservation = Objects.requireNonNull(plan.reservation, "reservation");
    TokenUsage usageBefore = Objects.requireNonNull(plan.usageBefore, "usage before");
    Cost costBefore = Objects.requireNonNull(plan.costBefore, "cost before");
    TokenUsage usageAfter = call.usage();
    boolean answered = usageAfter != usageBefore;
    boolean unknown = (answered && !usageAfter.reported()) || (!answered && failure != null && mayHaveBeenBilled(call, failure));
    long tokensUsed = usageAfter.totalTokens() - usageBefore.totalTokens();
    Cost after = call.cost();
    long nanoUsd = after.isKnown() && costBefore.isKnown() ? after.nanoUsd() - costBefore.nanoUsd() : -1;
    if (unknown) {
      call.detail("budget_settled_at", "reservation");
    }
    long[] actual = new long[plan.caps.length];
    // Unknown usage settles at the worst case; for a reservation made at the input's byte bound,
    // the worst case of the exact count (counted now, on this rare path).
    Plan worst = unknown && plan.estimated ? plan(call, Objects.requireNonNull(plan.variant, "variant"), true) : plan;
    for (int i = 0; i < actual.length; i++) {
      BudgetCap cap = plan.caps[i];
      long reserved = plan.lines.get(i).amount();
      long worstCase = Math.min(reserved, worst.lines.get(i).amount());
      // Unknown usage or cost settles at the reserved worst case: never understate spend.
      actual[i] = unknown ? worstCase : cap.unit() == BudgetUnit.TOKENS ? tokensUsed : (nanoUsd < 0 ? worstCase : nanoUsd);
      if (actual[i] > reserved) {
        log.warn("route {} spent {} against cap {}, more than the {} reserved: the input token estimate was low",
            route.name(), cap.format(actual[i]), cap.id(), cap.format(reserved));
      }
      meters.reserved(cap, -reserved);
      meters.spent(cap, actual[i]);
    }
    ledger.settle(reservation, actual);
  }

  /** Whether an attempt that ended without an answer may still have been billed. */
  private static boolean mayHaveBeenBilled(CallState call, Throwable failure) {
    SluiceException e = Failures.fromStep(failure);
    if (e instanceof ModelCallException m) {
      return switch (m.kind()) {
        case ATTEMPT_TIMEOUT, CONNECTION, TOO_LARGE -> true;
        case OTHER -> m.status() == 0;
        default -> false;
      };
    }
    // The deadline passed during the attempt, or the caller cancelled it: the request was out.
    return e instanceof CallTimeoutException || call.isCancelled();
  }

  private void checkSoftThreshold(CallState call, BudgetCap cap, BudgetLedger.Line line, long usedAfter) {
    if (usedAfter >= cap.softThreshold() * cap.limit() && softCrossed.add(line.account())) {
      if (softCrossed.size() > 100_000) {
        softCrossed.clear();
      }
      Objects.requireNonNull(softThresholds.get(cap), "soft thresholds").increment();
      call.detail("budget_soft_threshold", cap.id());
      log.warn("budget cap {} of route {} is past its soft threshold of {}: {} of {} used or reserved this {}",
          cap.id(), route.name(), cap.softThreshold(), cap.format(usedAfter), cap.format(cap.limit()), cap.period().tag());
    }
  }

  /**
   * Preparing a large input (reading it, counting its tokens) used up the deadline: no reservation,
   * no request. For a small one, which takes microseconds, the clock is not read.
   */
  private CallTimeoutException preparedTooLong(CallState call) {
    return new CallTimeoutException("route '" + route.name() + "': the deadline of " + route.resilience().deadline().toMillis()
        + " ms passed while attempt " + (call.attempts() + 1) + " was being prepared", route.resilience().deadline());
  }

  /** Whether a granted reservation leaves any of its caps more than half used. */
  private static boolean nearCap(Plan plan, ReserveResult granted) {
    for (int i = 0; i < plan.caps.length; i++) {
      if (granted.usedAfter(i) > plan.lines.get(i).limit() / 2) {
        return true;
      }
    }
    return false;
  }

  private Plan plan(CallState call, Variant variant, boolean exact) {
    ChatRequest prepared = call.prepared(variant);
    Integer max = prepared.parameters().maxOutputTokens();
    long output = max != null ? max : policy.defaultMaxOutputTokens();
    // The input tokens, tool definitions and response schema included (providers bill them as
    // input): the byte count, an upper bound (a token is at least one byte), unless {@code exact}
    // asks for the count with the model's encoding; an input so short (at most 64 bytes, or an
    // eighth of the output reservation) that its bound changes the worst case by little is never
    // encoded. Settlement uses the provider's usage either way.
    long bound = tokens.upperBound(prepared);
    boolean countable = bound > Math.max(SHORT_INPUT_BYTES, output / 8);
    // Exact counting of a long input stops at the call's deadline (the rest at its bound), where
    // the caller would otherwise wait on the encoder; apply() then fails the call as timed out.
    long input = !exact || !countable ? bound
        : bound > LARGE_INPUT_BYTES ? tokens.countInput(variant.model(), prepared, () -> call.nanosLeft(time.nanoTime()) <= 0)
        : tokens.countInput(variant.model(), prepared);
    ModelPrice price = prices.price(variant.model()).orElse(null);
    long worstUsd = price == null ? 0 : price.worstCase(input, output).nanoUsd();
    // A call is charged to the periods it started in (its deadline keeps it to seconds), which spares a clock read.
    Instant now = call.startedAt();
    int n = caps.size();
    BudgetCap[] applied = new BudgetCap[n];
    BudgetLedger.Line[] lines = new BudgetLedger.Line[n];
    int used = 0;
    for (BudgetCap cap : caps) {
      Window window = window(cap, now);
      String account = window.constantAccount();
      if (account == null) {
        account = window.account(scopeValue(cap.scope(), call, variant));
      }
      long amount = cap.unit() == BudgetUnit.USD ? worstUsd : input + output;
      applied[used] = cap;
      lines[used++] = new BudgetLedger.Line(account, amount, cap.limit(), window.end());
    }
    // List.of of one or two lines holds them without an array, and the ledger's copy of it is itself.
    Plan p = used == n
        ? new Plan(applied, List.of(lines))
        : new Plan(Arrays.copyOf(applied, used), List.of(Arrays.copyOf(lines, used)));
    p.largeInput = bound > LARGE_INPUT_BYTES;
    p.estimated = countable && !exact;
    p.variant = variant;
    return p;
  }

  /** The account a call counts in under a scope; calls with no tenant or routing key share one account of their own. */
  private String scopeValue(BudgetScope scope, CallState call, Variant variant) {
    return switch (scope) {
      case GLOBAL -> "*";
      case ROUTE -> route.name();
      case TENANT -> call.subject().tenant().orElse(BudgetScope.NO_TENANT);
      case SUBJECT -> call.subject().routingKey().orElse(BudgetScope.NO_SUBJECT);
      case VARIANT -> route.name() + "/" + variant.id();
    };
  }

  private BudgetExceededException exceeded(CallState call, Plan plan, ReserveResult result) {
    int i = result.deniedLine();
    BudgetCap cap = plan.caps[i];
    BudgetLedger.Line line = plan.lines.get(i);
    BudgetLedger.Balance b = result.deniedBalance();
    String who = switch (cap.scope()) {
      case GLOBAL -> "global";
      case ROUTE -> "route " + route.name();
      case TENANT -> call.subject().tenant().map(t -> "tenant " + t).orElse("calls with no tenant");
      case SUBJECT -> call.subject().routingKey().map(k -> "subject " + k).orElse("calls with no routing key");
      case VARIANT -> "variant " + call.requireVariant().id();
    };
    String scope = who + " per " + cap.period().tag();
    long left = Math.max(0, cap.limit() - b.used());
    return new BudgetExceededException(scope, line.expiresAt(),
        "budget cap of " + cap.format(cap.limit()) + " for " + scope + " has " + cap.format(left) + " left (" + cap.format(b.spent())
            + " spent, " + cap.format(b.reserved()) + " reserved) and the call may need " + cap.format(line.amount())
            + "; it resets at " + line.expiresAt() + ". Raise the cap, lower max output tokens, or set a downgrade.",
        cap.action().kind() == BudgetAction.Kind.FALLBACK);
  }

  private double remainingFraction(BudgetCap cap) {
    return standing(cap).remainingFraction();
  }

  /** The route-wide and global caps' standing in their current periods. */
  public List<BudgetStanding> standings() {
    List<BudgetStanding> out = new ArrayList<>();
    for (BudgetCap cap : caps) {
      if (cap.scope() == BudgetScope.GLOBAL || cap.scope() == BudgetScope.ROUTE) {
        out.add(standing(cap));
      }
    }
    return out;
  }

  private BudgetStanding standing(BudgetCap cap) {
    Window w = window(cap, time.now());
    // Only global and route caps come here, and theirs is the same account for the whole period.
    BudgetLedger.Balance b = ledger.balance(Objects.requireNonNull(w.constantAccount(), "a global or route cap's account"));
    return new BudgetStanding(cap, b.spent(), b.reserved(), w.end());
  }

  /**
   * One attempt's budget: the caps that apply and their ledger lines, then, once reserved, the
   * reservation and the call's usage and cost before the attempt, which settlement measures from.
   */
  static final class Plan {
    /** The caps that apply, in the order of their lines; never changed after the plan is made. */
    final BudgetCap[] caps;
    final List<BudgetLedger.Line> lines;
    /** Whether counting the input may have taken long enough to matter to the deadline. */
    boolean largeInput;
    /** Whether the input is reserved at its byte-count bound where an exact count would be lower. */
    boolean estimated;
    /** The variant the plan is for. */
    @Nullable Variant variant;
    @Nullable Reservation reservation;
    @Nullable TokenUsage usageBefore;
    @Nullable Cost costBefore;

    Plan(BudgetCap[] caps, List<BudgetLedger.Line> lines) {
      this.caps = caps;
      this.lines = lines;
    }

    void reserved(Reservation r, TokenUsage usage, Cost cost) {
      this.reservation = r;
      this.usageBefore = usage;
      this.costBefore = cost;
    }
  }

  /**
   * A cap's current period; calendar arithmetic in a time zone is too slow to redo on every
   * reservation.
   *
   * @param suffix the account key's period part
   * @param constantAccount the whole account key, for global and route caps (the same for every call in the period)
   * @param accounts account keys made this period, by scope value (tenant, subject, variant), so a
   *     busy tenant's key is built once per period rather than on every call
   */
  private record Window(Instant start, Instant end, String capId, String suffix, @Nullable String constantAccount,
      ConcurrentHashMap<String, String> accounts) {

    private static final int MAX_REMEMBERED = 10_000;

    String account(String scopeValue) {
      String key = accounts.get(scopeValue);
      if (key == null) {
        if (accounts.size() >= MAX_REMEMBERED) {
          accounts.clear();
        }
        key = capId + "|" + scopeValue + suffix;
        accounts.put(scopeValue, key);
      }
      return key;
    }
  }

  private final ConcurrentHashMap<BudgetCap, Window> windows = new ConcurrentHashMap<>();

  private Window window(BudgetCap cap, Instant now) {
    Window w = windows.get(cap);
    if (w == null || now.isBefore(w.start()) || !now.isBefore(w.end())) {
      Instant start = cap.period().start(now, policy.zone());
      String suffix = "|" + start;
      String constant = cap.scope() == BudgetScope.GLOBAL ? cap.id() + "|*" + suffix
          : cap.scope() == BudgetScope.ROUTE ? cap.id() + "|" + route.name() + suffix : null;
      w = new Window(start, cap.period().end(now, policy.zone()), cap.id(), suffix, constant, new ConcurrentHashMap<>());
      windows.put(cap, w);
    }
    return w;
  }

}
