package dev.sluice.outcome;

import java.util.Objects;

/**
 * Which fallback link answered a call and why the primary failed.
 *
 * @param kind the link's kind, bounded, e.g. {@code backup_variant}, {@code cache}, {@code fixed}
 * @param link the link's name within the route's chain
 * @param primaryOutcome how the primary attempt ended
 * @param reason the primary failure's message
 */
public record FallbackUse(String kind, String link, Outcome primaryOutcome, String reason) {
  public FallbackUse {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(primaryOutcome, "primaryOutcome");
    Objects.requireNonNull(reason, "reason");
  }
}
