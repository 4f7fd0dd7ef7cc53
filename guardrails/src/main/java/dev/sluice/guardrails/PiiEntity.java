package dev.sluice.guardrails;

import java.util.Locale;

/** The kinds of personal data {@link PiiDetector} finds, in the order overlapping matches are resolved. */
public enum PiiEntity {
  EMAIL,
  IBAN,
  CREDIT_CARD,
  US_SSN,
  IP_ADDRESS,
  PHONE,
  CUSTOM;

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
