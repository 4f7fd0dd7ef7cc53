package dev.sluice.budget;

import dev.sluice.internal.Checks;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What happens when a cap has no room for a call: reject it with
 * {@link dev.sluice.outcome.BudgetExceededException}, downgrade it to a cheaper variant of the route, or
 * hand it to the route's fallback chain.
 */
public final class BudgetAction {

  /** The kinds of action. */
  public enum Kind {
    REJECT,
    DOWNGRADE,
    FALLBACK
  }

  public static final BudgetAction REJECT = new BudgetAction(Kind.REJECT, null);
  public static final BudgetAction FALLBACK = new BudgetAction(Kind.FALLBACK, null);

  private final Kind kind;
  private final @Nullable String downgradeTo;

  private BudgetAction(Kind kind, @Nullable String downgradeTo) {
    this.kind = kind;
    this.downgradeTo = downgradeTo;
  }

  /** Calls the named variant of the route instead, if its own reservation fits. */
  public static BudgetAction downgradeTo(String variantId) {
    return new BudgetAction(Kind.DOWNGRADE, Checks.id("budget.action.downgradeTo", variantId));
  }

  public Kind kind() {
    return kind;
  }

  public Optional<String> downgradeTo() {
    return Optional.ofNullable(downgradeTo);
  }

  @Override
  public String toString() {
    return downgradeTo == null ? kind.name().toLowerCase(java.util.Locale.ROOT) : "downgrade(" + downgradeTo + ")";
  }
}
