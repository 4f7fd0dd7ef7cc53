package dev.sluice.pipeline;

import java.util.Objects;

/**
 * A typed slot of per-call state that one step (or guardrail, or fallback link) owns: declared as
 * a constant beside the code that writes it, read and written through
 * {@link CallContext#get}, {@link CallContext#put} and {@link CallContext#computeIfAbsent}. Keys
 * compare by identity, so two owners can never collide, even with the same name.
 *
 * <pre>{@code
 * static final CallKey<AtomicInteger> REPROMPTS = CallKey.of("reprompts");
 * int used = call.computeIfAbsent(REPROMPTS, AtomicInteger::new).incrementAndGet();
 * }</pre>
 *
 * @param <T> the type of the value kept under the key
 */
public final class CallKey<T> {

  private final String name;

  private CallKey(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /** A new key; {@code name} is for diagnostics only. */
  public static <T> CallKey<T> of(String name) {
    return new CallKey<>(name);
  }

  /** The name given to {@link #of}, for diagnostics. */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return "CallKey[" + name + "]";
  }
}
