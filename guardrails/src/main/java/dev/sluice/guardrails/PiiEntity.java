package dev.sluice.guardrails;

import java.util.Locale;

/** The kinds of personal data {@link PiiDetector} finds, in the order overlapping matches are resolved. */
public enum PiiEntity {
  EMAIL,
  IBAN,
  CREDIT_CARD,
  US_SSN,
  IP_ADDRESS,
  /** A date within a few words after "born", "date of birth", "DOB", "birthday". */
  DATE_OF_BIRTH,
  PHONE,
  /** A house number, street name and street type, with an apartment or suite after it. */
  STREET_ADDRESS,
  /** An English person name after a title or cue, or a known first name with a capitalised surname. */
  PERSON,
  CUSTOM;

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
