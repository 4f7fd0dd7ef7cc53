package dev.sluice.budget;

import java.util.Locale;

/** What a cap counts. */
public enum BudgetUnit {
  /** US dollars, counted in nano-dollars. */
  USD,
  /** Input plus output tokens. */
  TOKENS;

  private final String tag = name().toLowerCase(Locale.ROOT);

  public String tag() {
    return tag;
  }
}
