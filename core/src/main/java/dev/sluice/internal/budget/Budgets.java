package dev.sluice.internal.budget;

import dev.sluice.Route;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetLedger;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.pipeline.CallStep;
import dev.sluice.pipeline.Phase;
import dev.sluice.pipeline.PipelineEnvironment;
import dev.sluice.pipeline.StepFactory;
import java.util.List;
import java.util.Optional;

/** A Sluice instance's ledger, budget meters and caps that apply to every route. */
public final class Budgets {

  private final BudgetLedger ledger;
  private final List<BudgetCap> everyRoute;
  private BudgetMeters meters;

  public Budgets(BudgetLedger ledger, List<BudgetCap> everyRoute) {
    this.ledger = ledger;
    this.everyRoute = List.copyOf(everyRoute);
  }

  public BudgetLedger ledger() {
    return ledger;
  }

  /** The budget step of a route, if the route or the instance has caps. */
  public StepFactory stepFactory() {
    return new StepFactory() {
      @Override
      public Phase phase() {
        return Phase.BUDGET;
      }

      @Override
      public Optional<CallStep> create(Route route, PipelineEnvironment env) {
        BudgetPolicy policy = route.budget().withCaps(everyRoute);
        if (policy.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(new BudgetStep(route, policy, ledger, meters(env), env.prices(), env.time()));
      }
    };
  }

  private synchronized BudgetMeters meters(PipelineEnvironment env) {
    if (meters == null) {
      meters = new BudgetMeters(env.meters());
    }
    return meters;
  }
}
