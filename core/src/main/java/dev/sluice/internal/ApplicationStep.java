package dev.sluice.internal;

import dev.sluice.Route;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallChain;
import dev.sluice.pipeline.CallContext;
import dev.sluice.pipeline.CallStep;
import dev.sluice.pipeline.Phase;
import dev.sluice.pipeline.PipelineEnvironment;
import dev.sluice.StepFactory;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * An application's {@link StepFactory} in the executor: its step sees the read-only {@link
 * CallContext}, and proceeding hands the executor's own state on. A step must pass on the call it
 * was given; any other {@code CallContext} is refused with a clear error.
 */
final class ApplicationStep implements StateStepFactory {

  private final StepFactory factory;

  ApplicationStep(StepFactory factory) {
    this.factory = factory;
  }

  @Override
  public Phase phase() {
    return factory.phase();
  }

  @Override
  public Optional<StateStep> create(Route route, PipelineEnvironment environment) {
    return factory.create(route, environment).map(Adapted::new);
  }

  private record Adapted(CallStep step) implements StateStep {
    @Override
    public CompletionStage<ChatResponse> apply(CallState call, StateChain next) {
      return step.apply(call, new Onward(call, next));
    }
  }

  /** The rest of the pipeline as the application's step sees it: proceeds with the call it was given. */
  private record Onward(CallState call, StateChain next) implements CallChain {
    @Override
    public CompletionStage<ChatResponse> proceed(CallContext given) {
      if (given != call) {
        throw new IllegalArgumentException("step passed on a different call than it was given (" + given + " instead of " + call + ")");
      }
      return next.proceed(call);
    }
  }
}
