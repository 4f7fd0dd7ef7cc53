package dev.sluice.internal;

import dev.sluice.Route;
import dev.sluice.pipeline.CallStep;
import dev.sluice.pipeline.Phase;
import dev.sluice.pipeline.PipelineEnvironment;
import dev.sluice.pipeline.StepFactory;
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

  public static CallPipeline assemble(Route route, PipelineEnvironment env, List<StepFactory> applicationSteps) {
    RouteMeters meters = new RouteMeters(env.meters(), route);
    List<StepFactory> factories = new ArrayList<>(builtIn(meters));
    factories.addAll(applicationSteps);
    factories.sort(Comparator.comparing(StepFactory::phase));
    List<CallStep> steps = new ArrayList<>();
    for (StepFactory f : factories) {
      Optional<CallStep> step = f.create(route, env);
      step.ifPresent(steps::add);
    }
    return new CallPipeline(steps, new ModelInvocation(meters, env.prices(), env.time()));
  }

  private static List<StepFactory> builtIn(RouteMeters meters) {
    return List.of(
        factory(Phase.RECORD, (route, env) -> new RecordStep(meters, env.time(), env.audit(), env.includeTextInAudit())),
        factory(Phase.ASSIGNMENT, (route, env) -> new BaselineAssignment()),
        factory(Phase.LABELS, (route, env) -> new LabelsStep()));
  }

  private interface Maker {
    CallStep make(Route route, PipelineEnvironment env);
  }

  private static StepFactory factory(Phase phase, Maker maker) {
    return new StepFactory() {
      @Override
      public Phase phase() {
        return phase;
      }

      @Override
      public Optional<CallStep> create(Route route, PipelineEnvironment env) {
        return Optional.of(maker.make(route, env));
      }
    };
  }
}
