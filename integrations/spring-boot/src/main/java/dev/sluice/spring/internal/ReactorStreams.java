package dev.sluice.spring.internal;

import dev.sluice.annotation.RoutedMethods;
import java.lang.reflect.Method;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;

/**
 * A streaming {@code @LlmRoute} method declared with Reactor's {@link Flux}: Sluice runs it as a
 * {@code Flow.Publisher} stream, so the body's Flux is adapted to one for each attempt, and the
 * call's stream back to a Flux for the caller (cold: the call starts when the Flux is subscribed
 * to; cancelling it cancels the call). Loaded only when Reactor is on the class path.
 */
final class ReactorStreams {

  private ReactorStreams() {}

  static boolean returnsFlux(Method method) {
    return method.getReturnType() == Flux.class;
  }

  static Flux<?> invoke(RoutedMethods routed, Method method, Object target, @Nullable Object[] args, RoutedMethods.Body body)
      throws Throwable {
    Object stream = routed.invoke(method, target, args, a -> {
      Object out = body.invoke(a);
      return out instanceof Publisher<?> p ? JdkFlowAdapter.publisherToFlowPublisher(p) : out;
    });
    return JdkFlowAdapter.flowPublisherToFlux((Flow.Publisher<?>) stream);
  }
}
