package dev.sluice.budget;

import java.util.Locale;

/** What a cap counts. */
public enum BudgetUnit {
  /** US dollars, counted in nano-dollars. */
  USD,
  /** Input plus output tokens. */
  TOKENS;

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
