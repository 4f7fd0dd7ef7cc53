package dev.sluice.config;

import dev.sluice.judge.EvidenceExchange;
import dev.sluice.budget.BudgetLedger;
import dev.sluice.rollout.RolloutStateStore;
import dev.sluice.rollout.ToggleSource;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FleetProvider} made: the shared parts (null for a part the configuration keeps per
 * instance) and what to close after the Sluice instance closes (connections).
 *
 * @param ledger budgets shared by every replica, or null
 * @param rolloutState rollout state shared by every replica, or null
 * @param toggles toggles shared by every replica, or null
 * @param evidence where the replicas' judges pool their evidence, or null
 * @param releases the release log every replica applies, or null
 * @param resources closed, in order, when the Sluice instance closes
 */
public record Fleet(@Nullable BudgetLedger ledger, @Nullable RolloutStateStore rolloutState, @Nullable ToggleSource toggles,
    @Nullable EvidenceExchange evidence, dev.sluice.release.@Nullable ReleaseStore releases, List<AutoCloseable> resources) {

  public Fleet {
    resources = List.copyOf(resources);
  }

  /** A fleet whose releases are each replica's own. */
  public Fleet(@Nullable BudgetLedger ledger, @Nullable RolloutStateStore rolloutState, @Nullable ToggleSource toggles,
      @Nullable EvidenceExchange evidence, List<AutoCloseable> resources) {
    this(ledger, rolloutState, toggles, evidence, null, resources);
  }

  /** A fleet whose judges keep their evidence per instance. */
  public Fleet(@Nullable BudgetLedger ledger, @Nullable RolloutStateStore rolloutState, @Nullable ToggleSource toggles,
      List<AutoCloseable> resources) {
    this(ledger, rolloutState, toggles, null, null, resources);
  }
}
