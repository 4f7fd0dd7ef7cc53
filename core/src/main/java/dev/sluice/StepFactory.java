package dev.sluice;

import dev.sluice.pipeline.PipelineEnvironment;
import dev.sluice.pipeline.Phase;
import dev.sluice.pipeline.CallStep;
import dev.sluice.Route;
import java.util.Optional;

/**
 * Makes a route's step for one phase when the {@link dev.sluice.Sluice} is built, or nothing if
 * the route does not use that concern. The pipeline of every route is made once, at build time.
 */
public interface StepFactory {

  Phase phase();

  Optional<CallStep> create(Route route, PipelineEnvironment environment);

  /** A factory that gives the same step to every route. */
  static StepFactory of(Phase phase, CallStep step) {
    return new StepFactory() {
      @Override
      public Phase phase() {
        return phase;
      }

      @Override
      public Optional<CallStep> create(Route route, PipelineEnvironment environment) {
        return Optional.of(step);
      }
    };
  }
}
