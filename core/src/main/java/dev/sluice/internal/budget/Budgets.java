package dev.sluice.internal.budget;

import org.jspecify.annotations.Nullable;
import dev.sluice.Route;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetLedger;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.internal.StateStepFactory;
import dev.sluice.internal.StateStep;
import dev.sluice.pipeline.Phase;
import dev.sluice.pipeline.PipelineEnvironment;
import dev.sluice.budget.BudgetStanding;
import java.util.List;
import dev.sluice.internal.OwnedGauges;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;

/** A Sluice instance's ledger, budget meters and caps that apply to every route. */
public final class Budgets {

  private final BudgetLedger ledger;
  private final List<BudgetCap> everyRoute;
  private final Map<String, BudgetStep> steps = new ConcurrentHashMap<>();
  private @Nullable BudgetMeters meters;
  private final OwnedGauges gauges;

  public Budgets(BudgetLedger ledger, List<BudgetCap> everyRoute, OwnedGauges gauges) {
    this.ledger = ledger;
    this.everyRoute = List.copyOf(everyRoute);
    this.gauges = gauges;
  }

  public BudgetLedger ledger() {
    return ledger;
  }

  /** Where the route's route-wide and global caps stand; empty if it has none. */
  public List<BudgetStanding> standings(String route) {
    BudgetStep step = steps.get(route);
    return step == null ? List.of() : step.standings();
  }

  /** The budget step of a route, if the route or the instance has caps. */
  public StateStepFactory stepFactory() {
    return new StateStepFactory() {
      @Override
      public Phase phase() {
        return Phase.BUDGET;
      }

      @Override
      public Optional<StateStep> create(Route route, PipelineEnvironment env) {
        BudgetPolicy policy = route.budget().withCaps(everyRoute);
        if (policy.isEmpty()) {
          return Optional.empty();
        }
        BudgetStep step = new BudgetStep(route, policy, ledger, meters(), gauges, env.prices(), env.time());
        steps.put(route.name(), step);
        return Optional.of(step);
      }
    };
  }

  private synchronized BudgetMeters meters() {
    if (meters == null) {
      meters = new BudgetMeters(gauges);
    }
    return meters;
  }
}
