package dev.sluice.guardrails;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds credentials in text, in the style of gitleaks: provider rules (AWS, GitHub, OpenAI,
 * Anthropic, Slack, Stripe, Google API keys, JWTs, private keys, passwords in URLs), a generic
 * rule for {@code key = value} where the key names a secret (keyword prefilter) and the value has
 * enough entropy, and high-entropy base64 and hex strings. Lines marked
 * {@code pragma: allowlist secret} and UUIDs are skipped. Bounded patterns only.
 */
public final class SecretDetector {

  /** A provider rule; {@code anchors} are literals every match contains, so a line without any skips the pattern. */
  private record Rule(String name, Pattern pattern, int group, List<String> anchors) {}

  private static final List<Rule> PROVIDERS = List.of(
      rule("private-key", "-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----", 0, List.of("-----BEGIN ")),
      rule("aws-access-key-id", "(?<![A-Z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])", 0, List.of("A3T", "AKIA", "ASIA", "ABIA", "ACCA")),
      rule("github-token", "(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])", 0, List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
      rule("anthropic-api-key", "sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{80,120}", 0, List.of("sk-ant-")),
      rule("openai-api-key", "(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}(?![A-Za-z0-9_-])", 0, List.of("sk-")),
      rule("slack-token", "xox[baprs]-[0-9A-Za-z-]{10,72}", 0, List.of("xox")),
      rule("slack-webhook", "https://hooks\\.slack\\.com/services/[A-Za-z0-9_/]{20,100}", 0, List.of("https://hooks.slack.com/services/")),
      rule("stripe-key", "(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,99}(?![A-Za-z0-9_])", 0, List.of("sk_", "rk_")),
      rule("google-api-key", "AIza[0-9A-Za-z_-]{35}", 0, List.of("AIza")),
      rule("jwt", "eyJ[A-Za-z0-9_-]{10,500}\\.eyJ[A-Za-z0-9_-]{10,2000}\\.[A-Za-z0-9_-]{10,1000}", 0, List.of("eyJ")),
      rule("url-password", "[a-z][a-z0-9+.-]{1,20}://[^/\\s:@]{1,64}:([^/\\s:@]{3,64})@", 1, List.of("://")));

  static final Pattern KEYWORD_ASSIGNMENT = Pattern.compile(
      "(?i)([A-Za-z0-9_.-]{0,40}(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|"
          + "auth[_-]?key|credential)[A-Za-z0-9_.-]{0,40})[\"']?\\s{0,5}(?:=|:=|:|=>)\\s{0,5}[\"']?([^\\s\"',;]{6,200})");
  private static final Pattern CANDIDATE = Pattern.compile("[A-Za-z0-9+/=_-]{20,500}");
  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=_-]+");

  // Prefilter: the keyword rule's regex runs only on lines that name a secret.
  private static final String[] KEYWORDS = {"password", "passwd", "pwd", "secret", "token", "key", "credential"};

  private static Rule rule(String name, String regex, int group, List<String> anchors) {
    return new Rule(name, Pattern.compile(regex), group, anchors);
  }

  private final boolean fullScan;
  /**
   * The fewest characters any rule matches: a keyword assignment needs a key of at least 3
   * ({@code pwd}), an operator and a value of 6; every other rule more.
   */
  static final int SHORTEST_MATCH = 10;

  public SecretDetector() {
    this(false);
  }

  /**
   * With {@code fullScan}, every pattern runs on every line, skipping no prefilter: the reference
   * the prefilters are tested against.
   */
  SecretDetector(boolean fullScan) {
    this.fullScan = fullScan;
  }

  /** Every secret found, in text order, without overlaps. */
  public List<SecretMatch> find(String text) {
    List<SecretMatch> out = new ArrayList<>();
    int lineStart = 0;
    while (lineStart <= text.length()) {
      int nl = text.indexOf('\n', lineStart);
      int lineEnd = nl < 0 ? text.length() : nl;
      // No rule matches fewer than SHORTEST_MATCH characters: a shorter line is not even copied.
      if (fullScan || lineEnd - lineStart >= SHORTEST_MATCH) {
        String line = text.substring(lineStart, lineEnd);
        if (!line.contains("pragma: allowlist secret")) {
          scanLine(line, lineStart, out);
        }
      }
      if (nl < 0) {
        break;
      }
      lineStart = nl + 1;
    }
    // Provider rules name a secret best, then keyword rules, then entropy: overlaps keep the better name.
    out.sort(Comparator.comparingInt((SecretMatch m) -> priority(m.rule())).thenComparingInt(SecretMatch::start));
    return Spans.disjoint(out, SecretMatch::start, SecretMatch::end);
  }

  private void scanLine(String line, int offset, List<SecretMatch> out) {
    for (Rule r : PROVIDERS) {
      if (!fullScan && !containsAny(line, r.anchors())) {
        continue;
      }
      Matcher m = r.pattern().matcher(line);
      while (m.find()) {
        out.add(new SecretMatch(r.name(), offset + m.start(r.group()), offset + m.end(r.group())));
      }
    }
    String lower = line.toLowerCase(java.util.Locale.ROOT);
    boolean keyword = false;
    for (String w : KEYWORDS) {
      if (lower.contains(w)) {
        keyword = true;
        break;
      }
    }
    if (fullScan) {
      Matcher k = KEYWORD_ASSIGNMENT.matcher(line);
      while (k.find()) {
        keywordValue(k.group(1), k.group(2), offset + k.start(2), out);
      }
    } else if (keyword) {
      List<KeywordAssignments.Match> found = new ArrayList<>();
      KeywordAssignments.find(line, found);
      for (KeywordAssignments.Match m : found) {
        keywordValue(line.substring(m.keyStart(), m.keyEnd()), line.substring(m.valueStart(), m.valueEnd()), offset + m.valueStart(), out);
      }
    }
    List<int[]> uuids = new ArrayList<>();
    Matcher u = UUID.matcher(fullScan || line.indexOf('-') >= 0 ? line : "");
    while (u.find()) {
      uuids.add(new int[] {u.start(), u.end()});
    }
    // Both lists are in order along the line: one pointer walks the UUIDs as the candidates advance.
    int u0 = 0;
    for (int[] run : candidates(line)) {
      int cs = run[0];
      int ce = run[1];
      while (u0 < uuids.size() && uuids.get(u0)[1] <= cs) {
        u0++;
      }
      if (u0 < uuids.size() && uuids.get(u0)[0] < ce) {
        continue;
      }
      String v = line.substring(cs, ce);
      boolean hex = HEX.matcher(v).matches();
      double e = entropy(v);
      boolean mixed = v.chars().anyMatch(Character::isDigit) && v.chars().anyMatch(Character::isLetter);
      if ((hex && e >= 3.0 && mixed) || (!hex && BASE64.matcher(v).matches() && e >= 4.5)) {
        out.add(new SecretMatch(hex ? "high-entropy-hex" : "high-entropy-base64", offset + cs, offset + ce));
      }
    }
  }

  private static void keywordValue(String key, String value, int valueStart, List<SecretMatch> out) {
    if (entropy(value) >= 2.5 && !value.chars().allMatch(Character::isLetter) || entropy(value) >= 3.2) {
      out.add(new SecretMatch("keyword-" + keyword(key), valueStart, valueStart + value.length()));
    }
  }

  /**
   * What {@code CANDIDATE.find()} finds, by one pass over the line: runs of the base64/hex
   * alphabet of at least 20 characters, cut into pieces of at most 500 (a regex tries every start
   * position of every word).
   */
  private List<int[]> candidates(String line) {
    List<int[]> out = new ArrayList<>();
    if (fullScan) {
      Matcher c = CANDIDATE.matcher(line);
      while (c.find()) {
        out.add(new int[] {c.start(), c.end()});
      }
      return out;
    }
    int n = line.length();
    int i = 0;
    while (i < n) {
      if (!isCandidateChar(line.charAt(i))) {
        i++;
        continue;
      }
      int e = i;
      while (e < n && isCandidateChar(line.charAt(e))) {
        e++;
      }
      int s = i;
      while (e - s >= 20) {
        int len = Math.min(500, e - s);
        out.add(new int[] {s, s + len});
        s += len;
      }
      i = e;
    }
    return out;
  }

  private static boolean isCandidateChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' || c == '_'
        || c == '-';
  }

  private static boolean containsAny(String line, List<String> anchors) {
    for (String a : anchors) {
      if (line.contains(a)) {
        return true;
      }
    }
    return false;
  }

  private static int priority(String rule) {
    return rule.startsWith("high-entropy") ? 2 : rule.startsWith("keyword-") ? 1 : 0;
  }

  private static String keyword(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    for (String w : new String[] {"password", "passwd", "pwd", "secret", "token", "key", "credential", "auth"}) {
      if (k.contains(w)) {
        return w;
      }
    }
    return "secret";
  }

  /** Shannon entropy in bits per character. */
  static double entropy(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    int[] counts = new int[128];
    int other = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128) counts[c]++; else other++;
    }
    double h = 0;
    for (int n : counts) {
      if (n > 0) {
        double p = (double) n / s.length();
        h -= p * Math.log(p) / Math.log(2);
      }
    }
    if (other > 0) {
      double p = (double) other / s.length();
      h -= p * Math.log(p) / Math.log(2);
    }
    return h;
  }
}
