package dev.sluice.fallback.internal;

import dev.sluice.FallbackLink;
import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.config.FallbackLinkProvider;
import dev.sluice.config.FallbackLinkSpec;
import dev.sluice.fallback.BackupVariantLink;

/** {@code {kind: backup_variant, variant: small, on: [...]}}, {@code small} being one of the route's variants. */
public final class BackupVariantProvider implements FallbackLinkProvider {

  @Override
  public String kind() {
    return "backup_variant";
  }

  @Override
  public FallbackLink create(FallbackLinkSpec spec) {
    spec.onlyFields("variant");
    return BackupVariantLink.of(spec.variant("variant")).on(spec.triggers().toArray(FallbackTrigger[]::new));
  }
}
