/**
 * Sluice fallback links: fixed answer, tenant-scoped cache, backup variant, hand-off and rethrow,
 * and the providers that make them from a configuration file's {@code fallback} section.
 */
module dev.sluice.fallback {
  requires transitive dev.sluice.core;
  requires com.github.benmanes.caffeine;

  exports dev.sluice.fallback;

  provides dev.sluice.config.FallbackLinkProvider with
      dev.sluice.fallback.internal.FixedAnswerProvider,
      dev.sluice.fallback.internal.CachedAnswerProvider,
      dev.sluice.fallback.internal.BackupVariantProvider,
      dev.sluice.fallback.internal.RethrowProvider;
}
