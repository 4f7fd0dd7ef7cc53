/**
 * Fallback links for a route's chain: a backup variant, cached earlier answers (Caffeine,
 * tenant-scoped), a fixed answer, a hand-off to a person, and rethrow.
 *
 * <pre>{@code
 * Route route = Route.builder("support-answer")
 *     .baseline(v1).variant(backup)
 *     .fallback(
 *         BackupVariantLink.of(backup),
 *         CachedAnswerLink.builder().maximumSize(10_000).expireAfterWrite(Duration.ofHours(6)).build(),
 *         FixedAnswerLink.of("Sorry, I can't answer right now. Our team is at support@example.com."))
 *     .build();
 * }</pre>
 */
@NullMarked
package dev.sluice.fallback;

import org.jspecify.annotations.NullMarked;
