package dev.sluice.fallback.internal;

import dev.sluice.FallbackLink;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.config.FallbackLinkProvider;
import dev.sluice.config.FallbackLinkSpec;
import dev.sluice.fallback.FixedAnswerLink;

/** {@code {kind: fixed, text: "...", on: [...]}}. */
public final class FixedAnswerProvider implements FallbackLinkProvider {

  @Override
  public String kind() {
    return "fixed";
  }

  @Override
  public FallbackLink create(FallbackLinkSpec spec) {
    spec.onlyFields("text");
    return FixedAnswerLink.of(spec.text("text")).on(spec.triggers().toArray(FallbackTrigger[]::new));
  }
}
