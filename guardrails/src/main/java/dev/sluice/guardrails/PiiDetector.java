package dev.sluice.guardrails;

import dev.sluice.guardrails.internal.PersonalData;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds personal data with patterns and validators: e-mail addresses (scanned around each {@code @},
 * no regex), IBANs (ISO 13616 mod-97), payment cards (Luhn), US social security numbers (area 000,
 * 666 and 900-999, group 00 and serial 0000 excluded), IPv4 (octets up to 255) and IPv6, phone
 * numbers (7 to 15 digits in separated groups, with optional country code, area code in
 * parentheses and extension; ISO dates excluded), English person names, street addresses and dates
 * of birth (by dictionary and context: see docs/GUARDRAILS.md for their precision and recall), and
 * the application's own patterns. Overlaps are
 * resolved in {@link PiiEntity} order. Every pattern has bounded repetition, so the work per
 * character is bounded and adversarial input cannot make it backtrack catastrophically.
 */
public final class PiiDetector {

  private static final Pattern IBAN = Pattern.compile("(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])");
  private static final Pattern CARD = Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])");
  private static final Pattern SSN = Pattern.compile("(?<![\\d-])(\\d{3})-(\\d{2})-(\\d{4})(?![\\d-])");
  private static final Pattern IPV4 = Pattern.compile("(?<![\\d.])(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d]|\\.\\d)");
  private static final Pattern IPV6 = Pattern.compile("(?<![\\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\\w:])");
  private static final Pattern PHONE = Pattern.compile(
      "(?<![\\w+])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{1,4}(?:[ .-]\\d{1,4}){1,5}(?:\\s?(?:x|ext\\.?)\\s?\\d{1,6})?(?![\\w])");
  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}.*");

  private final List<Pattern> custom;
  private final boolean fullScan;
  private final boolean personalData;

  public PiiDetector() {
    this(List.of());
  }

  /**
   * This detector without person names, street addresses and dates of birth (the structured
   * entities only: e-mail, IBAN, card, SSN, IP address, phone), for text where names are expected
   * and not personal (a directory, a cast list).
   */
  public PiiDetector withoutNamesAndAddresses() {
    return new PiiDetector(custom, fullScan, false);
  }

  /**
   * With the application's own patterns, reported as {@link PiiEntity#CUSTOM}. They run with
   * {@code find()} over untrusted text: keep their repetition bounded so their time stays linear
   * (the built-in patterns are, and are tried only where a match can start).
   */
  public PiiDetector(List<Pattern> custom) {
    this(custom, false);
  }

  /**
   * With {@code fullScan}, each built-in pattern searches from every position, as {@code find()}
   * does: the reference the start-character scan is tested against.
   */
  PiiDetector(List<Pattern> custom, boolean fullScan) {
    this(custom, fullScan, true);
  }

  private PiiDetector(List<Pattern> custom, boolean fullScan, boolean personalData) {
    this.custom = List.copyOf(custom);
    this.fullScan = fullScan;
    this.personalData = personalData;
  }

  /** Every match, in text order, without overlaps. */
  public List<PiiMatch> find(String text) {
    List<PiiMatch> all = new ArrayList<>();
    emails(text, all);
    Starts starts = fullScan ? null : Starts.of(text);
    if (starts == null || starts.digitRuns.length > 0) {
      collect(IBAN, text, PiiEntity.IBAN, all, PiiDetector::validIban, starts == null ? null : starts.capitals, PiiDetector::mayStartIban);
      collect(CARD, text, PiiEntity.CREDIT_CARD, all, PiiDetector::luhn, starts == null ? null : starts.digitRuns, PiiDetector::mayStartCard);
      collect(SSN, text, PiiEntity.US_SSN, all, PiiDetector::validSsn, starts == null ? null : starts.digitRuns, PiiDetector::mayStartSsn);
      collect(IPV4, text, PiiEntity.IP_ADDRESS, all, PiiDetector::validIpv4, starts == null ? null : starts.digitRuns, PiiDetector::mayStartIpv4);
      collect(PHONE, text, PiiEntity.PHONE, all, PiiDetector::plausiblePhone, starts == null ? null : starts.phone, PiiDetector::mayStartPhone);
    }
    if (fullScan || text.indexOf(':') >= 0) {
      collect(IPV6, text, PiiEntity.IP_ADDRESS, all, PiiDetector::validIpv6, starts == null ? null : starts.ipv6,
          PiiDetector::mayStartIpv6);
    }
    if (personalData) {
      List<PersonalData.Found> found = new ArrayList<>();
      PersonalData.find(text, found);
      for (PersonalData.Found f : found) {
        PiiEntity e = switch (f.entity()) {
          case "person" -> PiiEntity.PERSON;
          case "street_address" -> PiiEntity.STREET_ADDRESS;
          default -> PiiEntity.DATE_OF_BIRTH;
        };
        all.add(new PiiMatch(e, f.start(), f.end(), text.substring(f.start(), f.end())));
      }
    }
    for (Pattern p : custom) {
      collectAll(p, text, PiiEntity.CUSTOM, all, s -> true);
    }
    return resolve(all);
  }

  private static List<PiiMatch> resolve(List<PiiMatch> all) {
    all.sort(Comparator.comparing(PiiMatch::entity).thenComparingInt(PiiMatch::start));
    return Spans.disjoint(all, PiiMatch::start, PiiMatch::end);
  }

  private interface Check {
    boolean ok(String match);
  }

  /**
   * A necessary condition for a match of one pattern to start at {@code i}, read from a few
   * characters, so the pattern runs only where it can match (on prose, most digit runs and
   * capitals cannot start an IBAN, a card or an IP address).
   */
  private interface Possible {
    boolean at(String text, int i);
  }

  /** {@code [A-Z]{2}\d{2}}. */
  private static boolean mayStartIban(String t, int i) {
    return i + 4 <= t.length() && t.charAt(i + 1) >= 'A' && t.charAt(i + 1) <= 'Z' && isDigit(t.charAt(i + 2)) && isDigit(t.charAt(i + 3));
  }

  /** {@code \d(?:[ -]?\d){12,18}}: thirteen digits, at most one space or hyphen between two. */
  private static boolean mayStartCard(String t, int i) {
    int digits = 0;
    int j = i;
    while (j < t.length() && digits < 13) {
      if (isDigit(t.charAt(j))) {
        digits++;
        j++;
      } else if (digits > 0 && (t.charAt(j) == ' ' || t.charAt(j) == '-') && j + 1 < t.length() && isDigit(t.charAt(j + 1))) {
        j++;
      } else {
        break;
      }
    }
    return digits >= 13;
  }

  /**
   * A phone number from a digit: {@code \d{1,4}[ .-]\d} (neither optional prefix can start with
   * a digit, and a longer run of digits leaves no separator after the first group); from
   * {@code +} or {@code (} it is tried.
   */
  private static boolean mayStartPhone(String t, int i) {
    if (!isDigit(t.charAt(i))) {
      return true;
    }
    int j = i;
    while (j < t.length() && isDigit(t.charAt(j))) {
      j++;
    }
    return j - i <= 4 && j + 1 < t.length() && (t.charAt(j) == ' ' || t.charAt(j) == '.' || t.charAt(j) == '-') && isDigit(t.charAt(j + 1));
  }

  /** {@code \d{3}-\d{2}-\d{4}}: the hyphens in their places. */
  private static boolean mayStartSsn(String t, int i) {
    return i + 11 <= t.length() && t.charAt(i + 3) == '-' && t.charAt(i + 6) == '-';
  }

  /** {@code \d{1,3}\.}: a dot after one to three characters. */
  private static boolean mayStartIpv4(String t, int i) {
    for (int j = i + 1; j <= i + 3 && j < t.length(); j++) {
      if (t.charAt(j) == '.') {
        return true;
      }
    }
    return false;
  }

  /** {@code (?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2}}: no word character or colon before, two groups ending in colons. */
  private static boolean mayStartIpv6(String t, int i) {
    if (i > 0) {
      char before = t.charAt(i - 1);
      if (before == ':' || before == '_' || isHexDigit(before) || (before >= 'g' && before <= 'z') || (before >= 'G' && before <= 'Z')) {
        return false;
      }
    }
    int j = i;
    for (int group = 0; group < 2; group++) {
      int hex = 0;
      while (j < t.length() && hex < 4 && isHexDigit(t.charAt(j))) {
        j++;
        hex++;
      }
      if (j >= t.length() || t.charAt(j) != ':') {
        return false;
      }
      j++;
    }
    return true;
  }

  private static boolean isHexDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /**
   * Where matches can start, found in one pass. Every built-in pattern begins with a lookbehind
   * that forbids a letter or digit before it, so a number can only start a match at the first
   * digit of its run ({@code digitRuns}; phone numbers also at {@code +} and {@code (}), an IBAN
   * only at a capital that follows no letter or digit.
   */
  private static final class Starts {
    final int[] digitRuns;
    final int[] phone;
    final int[] capitals;
    final int[] ipv6;

    private Starts(int[] digitRuns, int[] phone, int[] capitals, int[] ipv6) {
      this.digitRuns = digitRuns;
      this.phone = phone;
      this.capitals = capitals;
      this.ipv6 = ipv6;
    }

    /**
     * One pass; IPv6 starts (only in a text with a colon) where {@link #mayStartIpv6} holds, tried
     * at hex digits and colons that follow no word character or colon (a word's first character;
     * on prose about a third of all characters are hex digits).
     */
    static Starts of(String text) {
      int n = text.length();
      boolean colon = text.indexOf(':') >= 0;
      int[] runs = new int[8];
      int[] phone = new int[8];
      int[] caps = new int[8];
      int[] ipv6 = new int[8];
      int r = 0;
      int p = 0;
      int c = 0;
      int v = 0;
      char prev = ' ';
      for (int i = 0; i < n; i++) {
        char ch = text.charAt(i);
        boolean prevAlnum = isAsciiAlnum(prev);
        if (isDigit(ch) && !isDigit(prev)) {
          runs = put(runs, r++, i);
        }
        if ((isDigit(ch) && !isDigit(prev)) || ch == '+' || ch == '(') {
          phone = put(phone, p++, i);
        }
        if (ch >= 'A' && ch <= 'Z' && !prevAlnum) {
          caps = put(caps, c++, i);
        }
        if (colon && (ch == ':' || isHexDigit(ch)) && !(prev == ':' || prev == '_' || prevAlnum) && mayStartIpv6(text, i)) {
          ipv6 = put(ipv6, v++, i);
        }
        prev = ch;
      }
      return new Starts(Arrays.copyOf(runs, r), Arrays.copyOf(phone, p), Arrays.copyOf(caps, c), Arrays.copyOf(ipv6, v));
    }

    private static int[] put(int[] a, int at, int v) {
      int[] b = at < a.length ? a : Arrays.copyOf(a, a.length * 2);
      b[at] = v;
      return b;
    }

    private static boolean isAsciiAlnum(char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
  }

  /**
   * What {@code find()} finds, trying the pattern only at positions where a match can start (a
   * regex search tries, and fails, at every position). Lookarounds see the whole text
   * (transparent bounds). With {@code candidates} null, the plain search.
   */
  private static void collect(Pattern p, String text, PiiEntity e, List<PiiMatch> out, Check check, int @Nullable [] candidates,
      Possible possible) {
    if (candidates == null) {
      collectAll(p, text, e, out, check);
      return;
    }
    if (candidates.length == 0) {
      return;
    }
    Matcher m = p.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
    int n = text.length();
    int next = 0;
    for (int i : candidates) {
      if (i < next || !possible.at(text, i)) {
        continue;
      }
      m.region(i, n);
      if (m.lookingAt()) {
        String v = m.group();
        if (check.ok(v)) {
          out.add(new PiiMatch(e, m.start(), m.end(), v));
        }
        next = m.end() > i ? m.end() : i + 1;
      }
    }
  }

  private static void collectAll(Pattern p, String text, PiiEntity e, List<PiiMatch> out, Check check) {
    Matcher m = p.matcher(text);
    while (m.find()) {
      String v = m.group();
      if (check.ok(v)) {
        out.add(new PiiMatch(e, m.start(), m.end(), v));
      }
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }



  /** Scans outwards from each '@': local part up to 64 characters, domain up to 253 with a dot. */
  private static void emails(String text, List<PiiMatch> out) {
    int at = text.indexOf('@');
    while (at >= 0) {
      int s = at;
      while (s > 0 && at - s < 64 && isLocal(text.charAt(s - 1))) {
        s--;
      }
      int e = at + 1;
      while (e < text.length() && e - at < 254 && isDomain(text.charAt(e))) {
        e++;
      }
      while (e > at + 1 && (text.charAt(e - 1) == '.' || text.charAt(e - 1) == '-')) {
        e--;
      }
      String domain = text.substring(at + 1, e);
      int dot = domain.lastIndexOf('.');
      if (s < at && dot > 0 && domain.length() - dot - 1 >= 2 && domain.substring(dot + 1).chars().allMatch(Character::isLetter)) {
        out.add(new PiiMatch(PiiEntity.EMAIL, s, e, text.substring(s, e)));
      }
      at = text.indexOf('@', at + 1);
    }
  }

  private static boolean isLocal(char c) {
    return c < 128 && (Character.isLetterOrDigit(c) || "._%+-".indexOf(c) >= 0);
  }

  private static boolean isDomain(char c) {
    return c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-');
  }

  static boolean luhn(String s) {
    int sum = 0;
    boolean dbl = false;
    int digits = 0;
    for (int i = s.length() - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      digits++;
      if (dbl) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      dbl = !dbl;
    }
    return digits >= 13 && digits <= 19 && sum % 10 == 0;
  }

  static boolean validIban(String s) {
    String iban = s.replace(" ", "");
    if (iban.length() < 15 || iban.length() > 34) {
      return false;
    }
    String rearranged = iban.substring(4) + iban.substring(0, 4);
    StringBuilder digits = new StringBuilder();
    for (char c : rearranged.toCharArray()) {
      digits.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
    }
    return new BigInteger(digits.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
  }

  static boolean validSsn(String s) {
    int area = Integer.parseInt(s.substring(0, 3));
    int group = Integer.parseInt(s.substring(4, 6));
    int serial = Integer.parseInt(s.substring(7, 11));
    return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
  }

  static boolean validIpv4(String s) {
    for (String part : s.split("\\.")) {
      if (part.length() > 1 && part.startsWith("0") || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  static boolean validIpv6(String s) {
    int doubleColon = s.indexOf("::");
    if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
      return false;
    }
    String[] groups = s.split(":", -1);
    int nonEmpty = 0;
    for (String g : groups) {
      if (g.length() > 4) {
        return false;
      }
      if (!g.isEmpty()) {
        nonEmpty++;
      }
    }
    if (doubleColon < 0) {
      return groups.length == 8 && nonEmpty == 8;
    }
    return nonEmpty >= 1 && nonEmpty <= 7 && s.chars().anyMatch(c -> Character.digit(c, 16) >= 0);
  }

  static boolean plausiblePhone(String s) {
    long digits = s.chars().filter(Character::isDigit).count();
    String main = s.replaceAll("\\s?(?:x|ext\\.?)\\s?\\d+$", "");
    long mainDigits = main.chars().filter(Character::isDigit).count();
    return mainDigits >= 7 && digits <= 21 && mainDigits <= 15 && !ISO_DATE.matcher(s).matches();
  }
}
