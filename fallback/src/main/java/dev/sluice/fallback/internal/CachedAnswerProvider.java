package dev.sluice.fallback.internal;

import dev.sluice.FallbackLink;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.config.FallbackLinkProvider;
import dev.sluice.config.FallbackLinkSpec;
import dev.sluice.fallback.CachedAnswerLink;
import java.time.Duration;

/**
 * {@code {kind: cache, maximum_size: 10000, expire_after_write: 1h, on: [...]}}. Its hit and miss
 * meters go to Micrometer's global registry (Spring Boot adds its registry there by default).
 */
public final class CachedAnswerProvider implements FallbackLinkProvider {

  @Override
  public String kind() {
    return "cache";
  }

  @Override
  public FallbackLink create(FallbackLinkSpec spec) {
    spec.onlyFields("name", "maximum_size", "expire_after_write");
    CachedAnswerLink.Builder b = CachedAnswerLink.builder().timeSource(spec.time())
        .maximumSize(spec.number("maximum_size", 10_000))
        .expireAfterWrite(spec.duration("expire_after_write", Duration.ofHours(1)))
        .on(spec.triggers().toArray(FallbackTrigger[]::new));
    if (spec.has("name")) {
      b.name(spec.text("name"));
    }
    return b.build();
  }
}
