package dev.sluice.internal.proxy;

import org.jspecify.annotations.Nullable;

/** How to run a routed method's own body once with given arguments: a reflective call, or Spring's joinpoint. */
@FunctionalInterface
public interface MethodTarget {

  /** Runs the body; throws what the body threw, unwrapped. */
  @Nullable Object invoke(@Nullable Object[] args) throws Throwable;
}
