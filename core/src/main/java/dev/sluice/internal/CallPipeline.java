package dev.sluice.internal;

import dev.sluice.Route;
import dev.sluice.model.ChatResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one executor: a route's steps, outermost first, linked once at build time into a chain that
 * ends at the model call. Running a call allocates nothing for the chain itself.
 */
public final class CallPipeline {

  private final Route route;
  private final StateChain head;
  private final List<String> stepNames;

  public CallPipeline(Route route, List<StateStep> steps, StateChain terminal) {
    this.route = route;
    StateChain next = guarded(terminal);
    for (int i = steps.size() - 1; i >= 0; i--) {
      next = new Link(steps.get(i), next);
    }
    this.head = next;
    this.stepNames = steps.stream().map(s -> s.getClass().getSimpleName()).toList();
  }

  public CompletableFuture<ChatResponse> execute(CallState call) {
    return head.proceed(call).toCompletableFuture();
  }

  /** The route this pipeline runs. */
  public Route route() {
    return route;
  }

  /** The steps' class names, outermost first, for diagnostics. */
  public List<String> stepNames() {
    return stepNames;
  }

  private static StateChain guarded(StateChain chain) {
    return call -> {
      try {
        return chain.proceed(call);
      } catch (Throwable t) {
        return CompletableFuture.failedFuture(Failures.fromStep(t));
      }
    };
  }

  private record Link(StateStep step, StateChain next) implements StateChain {
    @Override
    public CompletionStage<ChatResponse> proceed(CallState call) {
      try {
        CompletionStage<ChatResponse> result = step.apply(call, next);
        if (result == null) {
          return CompletableFuture.failedFuture(new IllegalStateException(step + " returned no result"));
        }
        return result;
      } catch (Throwable t) {
        return CompletableFuture.failedFuture(Failures.fromStep(t));
      }
    }
  }
}
