package dev.sluice.guardrails;

import java.util.ArrayList;
import java.util.Arrays;
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

  /**
   * A provider rule; {@code anchors} are literals every match contains, so a line without any
   * skips the pattern. With {@code before} (not -1), every match holds exactly one anchor and
   * starts at most {@code before} characters ahead of it, so the pattern is tried only at those
   * few starts around each anchor instead of at every position of the line.
   */
  private record Rule(String name, Pattern pattern, int group, List<String> anchors, int before) {}

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
      // One "://" per match (no part may hold a colon), after a scheme of at most 21 characters.
      new Rule("url-password", Pattern.compile("[a-z][a-z0-9+.-]{1,20}://[^/\\s:@]{1,64}:([^/\\s:@]{3,64})@"), 1, List.of("://"), 21));

  static final Pattern KEYWORD_ASSIGNMENT = Pattern.compile(
      "(?i)([A-Za-z0-9_.-]{0,40}(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|"
          + "auth[_-]?key|credential)[A-Za-z0-9_.-]{0,40})[\"']?\\s{0,5}(?:=|:=|:|=>)\\s{0,5}[\"']?([^\\s\"',;]{6,200})");
  private static final Pattern CANDIDATE = Pattern.compile("[A-Za-z0-9+/=_-]{20,500}");
  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  // Prefilter: the keyword rule's regex runs only on lines that name a secret.
  private static final String[] KEYWORDS = {"password", "passwd", "pwd", "secret", "token", "key", "credential"};

  private static Rule rule(String name, String regex, int group, List<String> anchors) {
    return new Rule(name, Pattern.compile(regex), group, anchors, -1);
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
    Literals literals = fullScan ? null : Literals.of(text);
    AnchorsOnLine anchors = new AnchorsOnLine();
    int hit = 0;
    int lineStart = 0;
    while (lineStart <= text.length()) {
      int nl = text.indexOf('\n', lineStart);
      int lineEnd = nl < 0 ? text.length() : nl;
      int providers = (1 << PROVIDERS.size()) - 1;
      boolean keyword = true;
      boolean allowlisted;
      if (literals == null) {
        allowlisted = text.substring(lineStart, lineEnd).contains(ALLOWLIST);
      } else {
        // The literals found on this line (none spans a line break): which rules can match here.
        providers = 0;
        keyword = false;
        allowlisted = false;
        anchors.clear();
        for (; hit < literals.count && literals.ends[hit] <= lineEnd; hit++) {
          int id = literals.ids[hit];
          if (id < PROVIDER_OF_LITERAL.length) {
            providers |= 1 << PROVIDER_OF_LITERAL[id];
            if (PROVIDERS.get(PROVIDER_OF_LITERAL[id]).before() >= 0) {
              anchors.add(PROVIDER_OF_LITERAL[id], literals.ends[hit] - CASED_LITERALS.get(id).length() - lineStart);
            }
          } else if (id == ALLOWLIST_LITERAL) {
            allowlisted = true;
          } else {
            keyword = true;
          }
        }
      }
      // No rule matches fewer than SHORTEST_MATCH characters: a shorter line is not even looked at.
      if ((fullScan || lineEnd - lineStart >= SHORTEST_MATCH) && !allowlisted) {
        scanLine(text, lineStart, lineEnd, providers, keyword, anchors, out);
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

  /** The anchors of windowed provider rules on the current line: rule and start (in the line). */
  private static final class AnchorsOnLine {
    int[] rules = new int[8];
    int[] starts = new int[8];
    int count;

    void clear() {
      count = 0;
    }

    void add(int rule, int start) {
      if (count == rules.length) {
        rules = Arrays.copyOf(rules, count * 2);
        starts = Arrays.copyOf(starts, count * 2);
      }
      rules[count] = rule;
      starts[count++] = start;
    }
  }

  /**
   * Where the literals the rules need occur, found in one pass of an automaton over the whole text
   * (providers' anchors in their case, secret-naming keywords in any case, the allowlist marker):
   * a line is then only looked at by the rules whose literals it holds.
   */
  private static final class Literals {
    int[] ids = new int[16];
    int[] ends = new int[16];
    int count;

    static Literals of(String text) {
      Literals found = new Literals();
      LITERALS.scan(text, (id, start) -> {
        if (id < CASED_LITERALS.size() && !text.regionMatches(start, CASED_LITERALS.get(id), 0, CASED_LITERALS.get(id).length())) {
          return true; // the automaton ignores case; these literals do not
        }
        if (found.count == found.ids.length) {
          found.ids = Arrays.copyOf(found.ids, found.count * 2);
          found.ends = Arrays.copyOf(found.ends, found.count * 2);
        }
        found.ids[found.count] = id;
        found.ends[found.count++] = start + (id < CASED_LITERALS.size() ? CASED_LITERALS.get(id).length() : KEYWORD_LENGTHS[id - CASED_LITERALS.size()]);
        return true;
      });
      return found;
    }
  }

  private static final String ALLOWLIST = "pragma: allowlist secret";
  /** The providers' anchors, then the allowlist marker: literals matched in their case. */
  private static final List<String> CASED_LITERALS;
  private static final int[] PROVIDER_OF_LITERAL;
  private static final int ALLOWLIST_LITERAL;
  private static final int[] KEYWORD_LENGTHS;
  private static final AnchorScan LITERALS;

  static {
    List<String> cased = new ArrayList<>();
    List<Integer> providerOf = new ArrayList<>();
    for (int r = 0; r < PROVIDERS.size(); r++) {
      for (String a : PROVIDERS.get(r).anchors()) {
        cased.add(a);
        providerOf.add(r);
      }
    }
    PROVIDER_OF_LITERAL = providerOf.stream().mapToInt(Integer::intValue).toArray();
    ALLOWLIST_LITERAL = cased.size();
    cased.add(ALLOWLIST);
    CASED_LITERALS = List.copyOf(cased);
    List<String> all = new ArrayList<>();
    cased.forEach(c -> all.add(c.toLowerCase(java.util.Locale.ROOT)));
    all.addAll(List.of(KEYWORDS));
    KEYWORD_LENGTHS = Arrays.stream(KEYWORDS).mapToInt(String::length).toArray();
    LITERALS = new AnchorScan(all);
  }

  private void scanLine(String text, int lineStart, int lineEnd, int providers, boolean keyword, AnchorsOnLine anchors,
      List<SecretMatch> out) {
    String line = null;
    for (int r = 0; r < PROVIDERS.size(); r++) {
      if ((providers & (1 << r)) == 0) {
        continue;
      }
      Rule rule = PROVIDERS.get(r);
      line = line != null ? line : text.substring(lineStart, lineEnd);
      Matcher m = rule.pattern().matcher(line);
      if (fullScan || rule.before() < 0) {
        while (m.find()) {
          out.add(new SecretMatch(rule.name(), lineStart + m.start(rule.group()), lineStart + m.end(rule.group())));
        }
        continue;
      }
      // Each anchor in turn, as find() walks the line: the leftmost start from which the pattern
      // matches, between the previous match's end and the anchor.
      m.useTransparentBounds(true).useAnchoringBounds(false);
      int searched = 0;
      for (int i = 0; i < anchors.count; i++) {
        int at = anchors.starts[i];
        if (anchors.rules[i] != r || at < searched) {
          continue;
        }
        for (int start = Math.max(searched, at - rule.before()); start <= at; start++) {
          m.region(start, line.length());
          if (m.lookingAt()) {
            out.add(new SecretMatch(rule.name(), lineStart + m.start(rule.group()), lineStart + m.end(rule.group())));
            searched = m.end();
            break;
          }
        }
      }
    }
    if (fullScan) {
      line = line != null ? line : text.substring(lineStart, lineEnd);
      Matcher k = KEYWORD_ASSIGNMENT.matcher(line);
      while (k.find()) {
        keywordValue(k.group(1), k.group(2), lineStart + k.start(2), out);
      }
    } else if (keyword) {
      line = line != null ? line : text.substring(lineStart, lineEnd);
      List<KeywordAssignments.Match> found = new ArrayList<>();
      KeywordAssignments.find(line, found);
      for (KeywordAssignments.Match m : found) {
        keywordValue(line.substring(m.keyStart(), m.keyEnd()), line.substring(m.valueStart(), m.valueEnd()), lineStart + m.valueStart(), out);
      }
    }
    if (fullScan) {
      line = line != null ? line : text.substring(lineStart, lineEnd);
      List<int[]> uuids = new ArrayList<>();
      Matcher u = UUID.matcher(line);
      while (u.find()) {
        uuids.add(new int[] {lineStart + u.start(), lineStart + u.end()});
      }
      List<int[]> pieces = new ArrayList<>();
      Matcher c = CANDIDATE.matcher(line);
      while (c.find()) {
        pieces.add(new int[] {lineStart + c.start(), lineStart + c.end()});
      }
      highEntropy(text, pieces, uuids, out);
      return;
    }
    candidates(text, lineStart, lineEnd, out);
  }

  /**
   * What {@code CANDIDATE.find()} and {@code UUID.find()} find, by one pass over the line: runs of
   * the base64/hex alphabet of at least 20 characters, cut into pieces of at most 500 (a regex
   * tries every start position of every word); a UUID, made of the same alphabet, lies inside one
   * run, so it is looked for only in a run long enough to hold one.
   */
  private static void candidates(String text, int lineStart, int lineEnd, List<SecretMatch> out) {
    int i = lineStart;
    while (i < lineEnd) {
      if (!isCandidateChar(text.charAt(i))) {
        i++;
        continue;
      }
      int e = i;
      while (e < lineEnd && isCandidateChar(text.charAt(e))) {
        e++;
      }
      if (e - i >= 20) {
        List<int[]> pieces = new ArrayList<>();
        for (int s = i; e - s >= 20; s += Math.min(500, e - s)) {
          pieces.add(new int[] {s, s + Math.min(500, e - s)});
        }
        List<int[]> uuids = new ArrayList<>();
        if (e - i >= 36) {
          Matcher u = UUID.matcher(text).region(i, e);
          while (u.find()) {
            uuids.add(new int[] {u.start(), u.end()});
          }
        }
        highEntropy(text, pieces, uuids, out);
      }
      i = e;
    }
  }

  /** The pieces that are not in a UUID and whose characters are random enough to be a key. */
  private static void highEntropy(String text, List<int[]> pieces, List<int[]> uuids, List<SecretMatch> out) {
    // Both lists are in text order: one pointer walks the UUIDs as the pieces advance.
    int u0 = 0;
    for (int[] run : pieces) {
      int cs = run[0];
      int ce = run[1];
      while (u0 < uuids.size() && uuids.get(u0)[1] <= cs) {
        u0++;
      }
      if (u0 < uuids.size() && uuids.get(u0)[0] < ce) {
        continue;
      }
      boolean hex = true;
      boolean digit = false;
      boolean letter = false;
      long seenLow = 0; // which of the 128 ASCII characters occur, as bits
      long seenHigh = 0;
      for (int i = cs; i < ce; i++) {
        char c = text.charAt(i);
        hex &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        digit |= c >= '0' && c <= '9';
        letter |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (c < 64) {
          seenLow |= 1L << c;
        } else {
          seenHigh |= 1L << (c - 64);
        }
      }
      // Entropy is at most log2 of the number of distinct characters: below 8 a piece cannot reach
      // 3.0 bits, below 23 not 4.5, so most words are let go without computing it.
      int distinct = Long.bitCount(seenLow) + Long.bitCount(seenHigh);
      if (hex ? !(digit && letter) || distinct < 8 : distinct < 23) {
        continue;
      }
      double e = entropy(text.substring(cs, ce));
      boolean mixed = digit && letter;
      // A piece is made of the base64 alphabet (the scan cut it so), so the base64 test holds.
      if ((hex && e >= 3.0 && mixed) || (!hex && e >= 4.5)) {
        out.add(new SecretMatch(hex ? "high-entropy-hex" : "high-entropy-base64", cs, ce));
      }
    }
  }

  private static void keywordValue(String key, String value, int valueStart, List<SecretMatch> out) {
    if (entropy(value) >= 2.5 && !value.chars().allMatch(Character::isLetter) || entropy(value) >= 3.2) {
      out.add(new SecretMatch("keyword-" + keyword(key), valueStart, valueStart + value.length()));
    }
  }

  private static final boolean[] CANDIDATE_CHARS = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      CANDIDATE_CHARS[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='
          || c == '_' || c == '-';
    }
  }

  private static boolean isCandidateChar(char c) {
    return c < 128 && CANDIDATE_CHARS[c];
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
