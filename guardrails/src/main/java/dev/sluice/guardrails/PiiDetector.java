package dev.sluice.guardrails;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data with patterns and validators: e-mail addresses (scanned around each {@code @},
 * no regex), IBANs (ISO 13616 mod-97), payment cards (Luhn), US social security numbers (area 000,
 * 666 and 900-999, group 00 and serial 0000 excluded), IPv4 (octets up to 255) and IPv6, phone
 * numbers (7 to 15 digits in separated groups, with optional country code, area code in
 * parentheses and extension; ISO dates excluded), and the application's own patterns. Overlaps are
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

  public PiiDetector() {
    this(List.of());
  }

  /** With the application's own patterns, reported as {@link PiiEntity#CUSTOM}. */
  public PiiDetector(List<Pattern> custom) {
    this(custom, false);
  }

  /**
   * With {@code fullScan}, each built-in pattern searches from every position, as {@code find()}
   * does: the reference the start-character scan is tested against.
   */
  PiiDetector(List<Pattern> custom, boolean fullScan) {
    this.custom = List.copyOf(custom);
    this.fullScan = fullScan;
  }

  /** Every match, in text order, without overlaps. */
  public List<PiiMatch> find(String text) {
    List<PiiMatch> all = new ArrayList<>();
    emails(text, all);
    boolean digits = fullScan || hasDigit(text);
    if (digits) {
      collect(IBAN, text, PiiEntity.IBAN, all, PiiDetector::validIban, PiiDetector::isUpper);
      collect(CARD, text, PiiEntity.CREDIT_CARD, all, PiiDetector::luhn, PiiDetector::isDigit);
      collect(SSN, text, PiiEntity.US_SSN, all, PiiDetector::validSsn, PiiDetector::isDigit);
      collect(IPV4, text, PiiEntity.IP_ADDRESS, all, PiiDetector::validIpv4, PiiDetector::isDigit);
      collect(PHONE, text, PiiEntity.PHONE, all, PiiDetector::plausiblePhone, c -> isDigit(c) || c == '+' || c == '(');
    }
    if (fullScan || text.indexOf(':') >= 0) {
      collect(IPV6, text, PiiEntity.IP_ADDRESS, all, PiiDetector::validIpv6, c -> c == ':' || Character.digit(c, 16) >= 0);
    }
    for (Pattern p : custom) {
      collectAll(p, text, PiiEntity.CUSTOM, all, s -> true);
    }
    return resolve(all);
  }

  private static List<PiiMatch> resolve(List<PiiMatch> all) {
    all.sort(Comparator.comparing(PiiMatch::entity).thenComparingInt(PiiMatch::start));
    List<PiiMatch> kept = new ArrayList<>();
    for (PiiMatch m : all) {
      boolean overlaps = false;
      for (PiiMatch k : kept) {
        if (m.start() < k.end() && k.start() < m.end()) {
          overlaps = true;
          break;
        }
      }
      if (!overlaps) {
        kept.add(m);
      }
    }
    kept.sort(Comparator.comparingInt(PiiMatch::start));
    return kept;
  }

  private interface Check {
    boolean ok(String match);
  }

  private interface StartChar {
    boolean can(char c);
  }

  /**
   * What {@code find()} finds, trying the pattern only where a match can start: a regex search
   * tries (and fails) at every position, which for six patterns over a kilobyte costs far more than
   * the matches. Lookarounds see the whole text (transparent bounds).
   */
  private void collect(Pattern p, String text, PiiEntity e, List<PiiMatch> out, Check check, StartChar start) {
    if (fullScan) {
      collectAll(p, text, e, out, check);
      return;
    }
    Matcher m = p.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
    int n = text.length();
    int i = 0;
    while (i < n) {
      if (!start.can(text.charAt(i))) {
        i++;
        continue;
      }
      m.region(i, n);
      if (m.lookingAt()) {
        String v = m.group();
        if (check.ok(v)) {
          out.add(new PiiMatch(e, m.start(), m.end(), v));
        }
        i = m.end() > i ? m.end() : i + 1;
      } else {
        i++;
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

  private static boolean hasDigit(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (isDigit(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
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
