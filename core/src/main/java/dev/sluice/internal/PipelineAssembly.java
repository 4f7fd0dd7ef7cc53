package dev.sluice.internal;

import dev.sluice.Route;
import dev.sluice.internal.budget.Budgets;
import dev.sluice.internal.guardrail.InputGuardrailStep;
import dev.sluice.internal.guardrail.OutputGuardrailStep;
import dev.sluice.internal.guardrail.StreamWindow;
import dev.sluice.internal.rollout.AssignmentStep;
import dev.sluice.internal.rollout.ShadowLauncher;
import dev.sluice.internal.rollout.ShadowStep;
import dev.sluice.rollout.ShadowPolicy;
import dev.sluice.RolloutControl;
import dev.sluice.internal.resilience.Breakers;
import dev.sluice.internal.resilience.BulkheadStep;
import dev.sluice.internal.resilience.CircuitBreakerStep;
import dev.sluice.internal.resilience.OutputValidationStep;
import dev.sluice.internal.resilience.RetryStep;
import dev.sluice.internal.resilience.TimeoutStep;
import dev.sluice.pipeline.Phase;
import dev.sluice.pipeline.PipelineEnvironment;
import dev.sluice.StepFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Assembles a route's pipeline: Sluice's own steps, then the application's, sorted by phase
 * (stable, so within a phase Sluice's come first), ending at the model call. A new concern is a
 * new step factory in {@link #builtIn}, never a change to the executor.
 */
public final class PipelineAssembly {

  private PipelineAssembly() {}

  public static CallPipeline assemble(
      Route route, PipelineEnvironment env, List<StepFactory> applicationSteps, Breakers breakers, Budgets budgets,
      RolloutControl rollout, ShadowPolicy shadow, ShadowLauncher launcher) {
    RouteMeters meters = new RouteMeters(env.meters(), route);
    CallMdc.Frames mdc = new CallMdc.Frames(route);
    CallObservations observations = new CallObservations(env.observations());
    List<StateStepFactory> factories = new ArrayList<>(builtIn(meters, observations, mdc, breakers, budgets, rollout, shadow, launcher));
    for (StepFactory application : applicationSteps) {
      factories.add(new ApplicationStep(application));
    }
    factories.sort(Comparator.comparing(StateStepFactory::phase));
    List<StateStep> steps = new ArrayList<>();
    for (StateStepFactory f : factories) {
      Optional<StateStep> step = f.create(route, env);
      step.ifPresent(steps::add);
    }
    return new CallPipeline(route, steps, new ModelInvocation(meters, observations, env.prices(), env.time(), mdc, env.executor(),
        StreamWindow.factory(route, env.meters())));
  }

  private static List<StateStepFactory> builtIn(RouteMeters meters, CallObservations observations, CallMdc.Frames mdc, Breakers breakers, Budgets budgets, RolloutControl rollout,
      ShadowPolicy shadow, ShadowLauncher launcher) {
    return List.of(
        budgets.stepFactory(),
        factory(Phase.RECORD, (route, env) -> new RecordStep(meters, observations, env.time(), env.audit(), env.includeTextInAudit(), env.listeners(), mdc)),
        factory(Phase.RECORD, (route, env) -> new InputLimitStep(route)),
        factory(Phase.ASSIGNMENT, (route, env) -> new AssignmentStep(rollout, env.meters())),
        optional(Phase.ASSIGNMENT, TemplateStep::applies, (route, env) -> new TemplateStep(route)),
        factory(Phase.LABELS, (route, env) -> new LabelsStep(mdc)),
        factory(Phase.SHADOW, (route, env) -> new ShadowStep(route, rollout, shadow, launcher, env.time(), budgets.ledger(), env.prices(), env.meters())),
        optional(Phase.FALLBACK, route -> !route.fallback().isEmpty(), (route, env) -> new FallbackStep(route, env.time(), env.meters())),
        optional(Phase.INPUT_GUARDRAILS, route -> !route.guardrails().input().isEmpty(),
            (route, env) -> new InputGuardrailStep(route, env.meters(), env.time())),
        optional(Phase.OUTPUT_GUARDRAILS, route -> !route.guardrails().output().isEmpty(),
            (route, env) -> new OutputGuardrailStep(route, env.meters())),
        factory(Phase.RETRY, (route, env) -> new RetryStep(route, env.time(), env.executor(), breakers, env.meters())),
        factory(Phase.BULKHEAD, (route, env) -> new BulkheadStep(route, breakers, env.meters())),
        factory(Phase.CIRCUIT_BREAKER, (route, env) -> new CircuitBreakerStep(route, breakers)),
        factory(Phase.OUTPUT_GUARDRAILS, (route, env) -> new OutputValidationStep(route)),
        factory(Phase.TIMEOUT, (route, env) -> new TimeoutStep(route, env.time(), env.executor())));
  }

  private static StateStepFactory optional(Phase phase, java.util.function.Predicate<Route> applies, Maker maker) {
    return new StateStepFactory() {
      @Override
      public Phase phase() {
        return phase;
      }

      @Override
      public Optional<StateStep> create(Route route, PipelineEnvironment env) {
        return applies.test(route) ? Optional.of(maker.make(route, env)) : Optional.empty();
      }
    };
  }

  private interface Maker {
    StateStep make(Route route, PipelineEnvironment env);
  }

  private static StateStepFactory factory(Phase phase, Maker maker) {
    return optional(phase, route -> true, maker);
  }
}
