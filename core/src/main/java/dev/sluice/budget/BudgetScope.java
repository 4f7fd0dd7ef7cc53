package dev.sluice.budget;

import java.util.Locale;

/** Whose spend a cap counts. A tenant or subject cap counts each tenant or subject separately. */
public enum BudgetScope {
  /** Every call of every route that has the cap. */
  GLOBAL,
  /** Each route. */
  ROUTE,
  /** Each tenant (calls without a tenant are not counted). */
  TENANT,
  /** Each routing key (calls without one are not counted). */
  SUBJECT,
  /** Each variant of the route. */
  VARIANT;

  private final String tag = name().toLowerCase(Locale.ROOT);

  public String tag() {
    return tag;
  }
}
