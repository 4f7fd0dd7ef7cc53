package dev.sluice.rollout;

import org.jspecify.annotations.Nullable;

/**
 * Runtime switches of a route, effective on the next call: a kill switch (everything to the
 * baseline, or everything to the fallback chain), a pinned variant, and an override of the
 * candidate's percentage.
 *
 * @param killed whether the kill switch is on
 * @param killToFallback with the kill switch on: true sends calls to the fallback chain, false to the baseline
 * @param pinned a variant id every call gets, or null
 * @param percentOverride the candidate's share of subjects in place of the stage's, or null
 */
public record Toggles(boolean killed, boolean killToFallback, @Nullable String pinned, @Nullable Double percentOverride) {

  public static final Toggles NONE = new Toggles(false, false, null, null);

  public Toggles withKill(boolean on, boolean toFallback) {
    return new Toggles(on, toFallback, pinned, percentOverride);
  }

  public Toggles withPinned(@Nullable String variantId) {
    return new Toggles(killed, killToFallback, variantId, percentOverride);
  }

  public Toggles withPercent(@Nullable Double percent) {
    return new Toggles(killed, killToFallback, pinned, percent);
  }
}
