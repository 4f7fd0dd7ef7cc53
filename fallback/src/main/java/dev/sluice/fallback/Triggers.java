package dev.sluice.fallback;

import dev.sluice.outcome.FallbackTrigger;
import dev.sluice.outcome.InvalidConfigurationException;
import java.util.EnumSet;
import java.util.Set;

/** Trigger sets shared by the links' builders. */
final class Triggers {

  private Triggers() {}

  static Set<FallbackTrigger> of(FallbackTrigger... triggers) {
    if (triggers.length == 0) {
      throw new InvalidConfigurationException("fallback.triggers", "name at least one trigger, or use FallbackTrigger.any()");
    }
    EnumSet<FallbackTrigger> set = EnumSet.noneOf(FallbackTrigger.class);
    for (FallbackTrigger t : triggers) {
      set.add(t);
    }
    return Set.copyOf(set);
  }
}
