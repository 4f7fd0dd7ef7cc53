package dev.sluice.budget;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.internal.Checks;
import dev.sluice.pricing.Cost;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A cap on spend: for a scope, per period, in dollars or tokens, with a soft threshold that raises
 * an event and a hard limit whose action the cap names.
 *
 * <pre>{@code
 * BudgetCap perTenantDaily = BudgetCap.usd(BudgetScope.TENANT, BudgetPeriod.DAY, "25.00")
 *     .softAt(0.8)
 *     .onExceeded(BudgetAction.downgradeTo("small"));
 * }</pre>
 *
 * <p>Immutable: {@code softAt} and {@code onExceeded} return a new cap.
 */
public final class BudgetCap {

  public static final double DEFAULT_SOFT_THRESHOLD = 0.8;

  private final BudgetScope scope;
  private final BudgetPeriod period;
  private final BudgetUnit unit;
  private final long limit;
  private final double softThreshold;
  private final BudgetAction action;
  private final String id;

  private BudgetCap(BudgetScope scope, BudgetPeriod period, BudgetUnit unit, long limit, double soft, BudgetAction action) {
    this.scope = Objects.requireNonNull(scope, "scope");
    this.period = Objects.requireNonNull(period, "period");
    this.unit = Objects.requireNonNull(unit, "unit");
    if (limit <= 0) {
      throw new InvalidConfigurationException("budget.limit", limit, "a positive amount");
    }
    this.limit = limit;
    this.softThreshold = Checks.fraction("budget.softThreshold", soft);
    this.action = Objects.requireNonNull(action, "action");
    this.id = scope.tag() + "/" + period.tag() + "/" + unit.tag() + "/" + limit;
  }

  /** A cap of {@code usd} dollars, e.g. {@code "25.00"}. */
  public static BudgetCap usd(BudgetScope scope, BudgetPeriod period, String usd) {
    BigDecimal amount;
    try {
      amount = new BigDecimal(usd);
    } catch (NumberFormatException e) {
      throw new InvalidConfigurationException("budget.usd", usd, "a decimal number of dollars such as 25.00");
    }
    if (amount.signum() <= 0) {
      throw new InvalidConfigurationException("budget.usd", usd, "a positive number of dollars");
    }
    return new BudgetCap(scope, period, BudgetUnit.USD, Cost.ofUsd(amount).nanoUsd(), DEFAULT_SOFT_THRESHOLD, BudgetAction.REJECT);
  }

  /** A cap of {@code tokens} input plus output tokens. */
  public static BudgetCap tokens(BudgetScope scope, BudgetPeriod period, long tokens) {
    return new BudgetCap(scope, period, BudgetUnit.TOKENS, tokens, DEFAULT_SOFT_THRESHOLD, BudgetAction.REJECT);
  }

  /** This cap with its soft threshold at {@code fraction} of the limit (0 to 1; default 0.8). */
  public BudgetCap softAt(double fraction) {
    return new BudgetCap(scope, period, unit, limit, fraction, action);
  }

  /** This cap with another action when it is full; default {@link BudgetAction#REJECT}. */
  public BudgetCap onExceeded(BudgetAction newAction) {
    return new BudgetCap(scope, period, unit, limit, softThreshold, newAction);
  }

  public BudgetScope scope() {
    return scope;
  }

  public BudgetPeriod period() {
    return period;
  }

  public BudgetUnit unit() {
    return unit;
  }

  /** The limit in the cap's unit: nano-dollars or tokens. */
  public long limit() {
    return limit;
  }

  public double softThreshold() {
    return softThreshold;
  }

  public BudgetAction action() {
    return action;
  }

  /** An amount in this cap's unit, for messages. */
  public String format(long amount) {
    return unit == BudgetUnit.USD ? Cost.ofNanoUsd(amount).toString() : amount + " tokens";
  }

  /** The same cap (scope, period, unit and limit) shares its ledger accounts wherever it is declared. */
  public String id() {
    return id;
  }

  @Override
  public String toString() {
    return "BudgetCap[" + scope.tag() + " per " + period.tag() + " " + format(limit) + ", soft at " + softThreshold
        + ", on exceeded " + action + "]";
  }
}
