package dev.sluice.guardrails;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@code SecretDetector}'s keyword-assignment pattern finds in a line ({@code password = "..."},
 * {@code api_key: ...}), by a scan from each {@code =} or {@code :} instead of a regex search. The
 * pattern's bounded repetitions ({@code {0,40}} around the keyword, {@code {6,200}} for the
 * value) made a backtracking search try thousands of steps at every position of a keyword-rich
 * line (31 ms per KB of repeated {@code password}); the scan looks at most about 300 characters
 * around each operator. The reference tests check it against the pattern on every labelled text.
 *
 * <p>Pattern: {@code (?i)([A-Za-z0-9_.-]{0,40}KEYWORD[A-Za-z0-9_.-]{0,40})["']?\s{0,5}(?:=|:=|:|=>)\s{0,5}["']?([^\s"',;]{6,200})}
 */
final class KeywordAssignments {

  private static final String[] KEYWORDS = {"password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "api-key",
      "accesskey", "access_key", "access-key", "privatekey", "private_key", "private-key", "authkey", "auth_key", "auth-key",
      "credential"};
  private static final int SIDE = 40;
  private static final int LONGEST_KEYWORD = 11;

  private KeywordAssignments() {}

  /** One match: the key (group 1) and the value (group 2). */
  record Match(int keyStart, int keyEnd, int valueStart, int valueEnd) {}

  /** Every match in the line, left to right, as the pattern's successive {@code find()}s report them. */
  static void find(String line, List<Match> out) {
    int n = line.length();
    int from = 0;
    for (int p = 0; p < n; p++) {
      char c = line.charAt(p);
      if (c != '=' && c != ':') {
        continue;
      }
      Match m = at(line, p, from);
      if (m != null) {
        out.add(m);
        from = m.valueEnd();
        p = from - 1;
      }
    }
  }

  private static @Nullable Match at(String line, int op, int from) {
    int q = op;
    int spaces = 0;
    while (q > from && spaces < 5 && isSpace(line.charAt(q - 1))) {
      q--;
      spaces++;
    }
    if (q > from && isQuote(line.charAt(q - 1))) {
      q--;
    }
    int keyEnd = q;
    int runStart = keyEnd;
    while (runStart > from && keyEnd - runStart < 2 * SIDE + LONGEST_KEYWORD && isKeyChar(line.charAt(runStart - 1))) {
      runStart--;
    }
    int first = -1;
    for (int a = runStart; a < keyEnd && first < 0; a++) {
      for (String k : KEYWORDS) {
        int b = a + k.length();
        if (b <= keyEnd && keyEnd - b <= SIDE && regionMatchesLower(line, a, k)) {
          first = a;
          break;
        }
      }
    }
    if (first < 0) {
      return null;
    }
    int keyStart = Math.max(runStart, first - SIDE);
    int @Nullable [] value = null;
    if (line.charAt(op) == '=') {
      value = value(line, op + 1);
      if (value == null && op + 1 < line.length() && line.charAt(op + 1) == '>') {
        value = value(line, op + 2);
      }
    } else {
      if (op + 1 < line.length() && line.charAt(op + 1) == '=') {
        value = value(line, op + 2);
      }
      if (value == null) {
        value = value(line, op + 1);
      }
    }
    return value == null ? null : new Match(keyStart, keyEnd, value[0], value[1]);
  }

  private static int @Nullable [] value(String line, int v) {
    int n = line.length();
    int i = v;
    int spaces = 0;
    while (i < n && spaces < 5 && isSpace(line.charAt(i))) {
      i++;
      spaces++;
    }
    if (i < n && isQuote(line.charAt(i))) {
      i++;
    }
    int end = i;
    while (end < n && end - i < 200 && isValueChar(line.charAt(end))) {
      end++;
    }
    return end - i >= 6 ? new int[] {i, end} : null;
  }

  private static boolean regionMatchesLower(String line, int at, String lowerKeyword) {
    for (int j = 0; j < lowerKeyword.length(); j++) {
      char c = line.charAt(at + j);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lowerKeyword.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  }

  private static boolean isQuote(char c) {
    return c == '"' || c == '\'';
  }

  /** Java's {@code \s}: space, tab, newline, vertical tab, form feed, carriage return (the scanners match the patterns' meaning). */
  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
  }

  private static boolean isValueChar(char c) {
    return !isSpace(c) && c != '"' && c != '\'' && c != ',' && c != ';';
  }
}
