package dev.sluice.internal;

import dev.sluice.Route;
import dev.sluice.pipeline.Phase;
import dev.sluice.pipeline.PipelineEnvironment;
import java.util.Optional;

/**
 * Makes one of Sluice's own steps for a route, or nothing if the route does not use that concern:
 * the executor's counterpart of the public {@link dev.sluice.StepFactory}.
 */
public interface StateStepFactory {

  Phase phase();

  Optional<StateStep> create(Route route, PipelineEnvironment environment);
}
