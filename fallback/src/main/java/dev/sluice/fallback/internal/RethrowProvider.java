package dev.sluice.fallback.internal;

import dev.sluice.FallbackLink;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.config.FallbackLinkProvider;
import dev.sluice.config.FallbackLinkSpec;
import dev.sluice.fallback.RethrowLink;

/** {@code {kind: rethrow, on: [...]}}: the original failure, for the triggers nothing should answer. */
public final class RethrowProvider implements FallbackLinkProvider {

  @Override
  public String kind() {
    return "rethrow";
  }

  @Override
  public FallbackLink create(FallbackLinkSpec spec) {
    spec.onlyFields();
    return RethrowLink.on(spec.triggers().toArray(FallbackTrigger[]::new));
  }
}
