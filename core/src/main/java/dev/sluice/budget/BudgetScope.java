package dev.sluice.budget;

import java.util.Locale;

/** Whose spend a cap counts. A tenant or subject cap counts each tenant or subject separately. */
public enum BudgetScope {
  /** Every call of every route that has the cap. */
  GLOBAL,
  /** Each route. */
  ROUTE,
  /** Each tenant; calls without a tenant count together in the account {@link #NO_TENANT}. */
  TENANT,
  /** Each routing key; calls without one count together in the account {@link #NO_SUBJECT}. */
  SUBJECT,
  /** Each variant of the route. */
  VARIANT;

  /**
   * The scope value under which tenant caps count calls that name no tenant: they share one
   * account rather than escaping the cap. No tenant id can collide with it (ids have no spaces).
   */
  public static final String NO_TENANT = "(no tenant)";
  /** The scope value under which subject caps count calls with no routing key. */
  public static final String NO_SUBJECT = "(no routing key)";

  private final String tag = name().toLowerCase(Locale.ROOT);

  public String tag() {
    return tag;
  }
}
